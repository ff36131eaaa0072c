{{/* The name of one service's objects: <release>-<service>, or <service> when the release is called refinery. */}}
{{- define "refinery.name" -}}
{{- $svc := .svc -}}
{{- if eq .root.Release.Name "refinery" -}}
{{- $svc -}}
{{- else -}}
{{- printf "%s-%s" .root.Release.Name $svc | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels that select one service's pods. */}}
{{- define "refinery.selectorLabels" -}}
app.kubernetes.io/name: {{ .svc }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "refinery.labels" -}}
{{ include "refinery.selectorLabels" . }}
app.kubernetes.io/part-of: refinery
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Labels on the chart's objects that belong to no one service. */}}
{{- define "refinery.commonLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: refinery
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "refinery.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .svc (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{/* training-service's ServiceAccount (only made when the Kubernetes backend is on). */}}
{{- define "refinery.trainingServiceAccount" -}}
{{- include "refinery.name" (dict "root" . "svc" "training-service") -}}
{{- end -}}

{{/* Whether a service scales on consumer lag (KEDA) rather than CPU. */}}
{{- define "refinery.keda" -}}
{{- if and .root.Values.keda.enabled .cfg.keda -}}true{{- end -}}
{{- end -}}
