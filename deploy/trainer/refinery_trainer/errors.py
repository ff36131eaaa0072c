"""Errors as values with a stable code, and the exit code each kind of failure ends the process with."""

# Exit codes are part of the contract with the Kubernetes backend: the Job's podFailurePolicy fails the
# whole Job at once on EXIT_USER_ERROR (retrying a bad spec or bad data cannot help), while
# EXIT_CRASH lets Kubernetes retry the pod up to the Job's backoffLimit.
EXIT_OK = 0
EXIT_CRASH = 1
EXIT_USER_ERROR = 2


class TrainerError(Exception):
    """A failure a person can act on: a stable code, a message, and where it happened."""

    def __init__(self, code, message, where=None, exit_code=EXIT_USER_ERROR):
        super().__init__(message)
        self.code = code
        self.message = message
        self.where = where or {}
        self.exit_code = exit_code

    def to_json(self):
        body = {"event": "error", "code": self.code, "message": self.message}
        if self.where:
            body["where"] = self.where
        return body


class SpecError(TrainerError):
    """The job spec is missing, not JSON, or has a field out of range."""


class DataError(TrainerError):
    """The dataset cannot be read or a record cannot be trained on."""


class StorageError(TrainerError):
    """Object storage failed; worth a retry, so it exits like a crash."""

    def __init__(self, code, message, where=None):
        super().__init__(code, message, where, exit_code=EXIT_CRASH)
