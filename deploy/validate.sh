#!/usr/bin/env bash
# Validates the deployment files without a Docker engine:
#   1. deploy/compose.yaml against the Compose Specification JSON schema
#      (deploy/schema/compose-spec.json, the copy shipped in the npm package dclint@3.1.0, MIT;
#      `deploy/validate.sh --refresh-schema` fetches it again with `npm pack`), plus checks the
#      schema cannot express (depends_on targets exist, the admin ports, the profile);
#   2. the Grafana dashboard is JSON with panels;
#   3. with promtool (Debian package `prometheus`): the Prometheus config and the alert rules.
#
# Needs python3 with PyYAML and jsonschema (Debian: python3-yaml python3-jsonschema; pip:
# pyyaml jsonschema). Exits non-zero on the first invalid file.
set -euo pipefail
DEPLOY="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCHEMA="$DEPLOY/schema/compose-spec.json"

if [[ "${1:-}" == "--refresh-schema" ]]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent dclint@3.1.0 >/dev/null && tar xzf dclint-3.1.0.tgz)
  cp "$tmp/package/schemas/compose.schema.json" "$SCHEMA"
  echo "validate: schema refreshed from dclint@3.1.0"
fi

python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 \
     && "$candidate" -c 'import yaml, jsonschema' >/dev/null 2>&1; then
    python="$candidate"
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "validate: needs python3 with PyYAML and jsonschema" \
       "(apt-get install python3-yaml python3-jsonschema, or pip install pyyaml jsonschema)" >&2
  exit 1
fi

"$python" - "$DEPLOY/compose.yaml" "$SCHEMA" "$DEPLOY/grafana/wirefeed.json" <<'PY'
import json, sys
import yaml, jsonschema

compose_path, schema_path, dashboard_path = sys.argv[1:4]
with open(compose_path) as f:
    compose = yaml.safe_load(f)  # resolves anchors and << merge keys, as compose does
with open(schema_path) as f:
    schema = json.load(f)
validator = jsonschema.Draft7Validator(schema)
errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
for error in errors:
    path = "/".join(str(p) for p in error.absolute_path) or "(root)"
    print(f"validate: {compose_path}: {path}: {error.message}", file=sys.stderr)
if errors:
    sys.exit(1)

services = compose["services"]
problems = []
for name, service in services.items():
    for dependency in (service.get("depends_on") or {}):
        if dependency not in services:
            problems.append(f"{name} depends on unknown service {dependency}")
expected_ports = {"fetcher": "9601:9600", "normalizer": "9602:9600",
                  "enricher": "9603:9600", "alerter": "9604:9600"}
for name, port in expected_ports.items():
    service = services.get(name)
    if service is None:
        problems.append(f"service {name} is missing")
        continue
    if port not in service.get("ports", []):
        problems.append(f"{name} does not publish {port}")
    env = service.get("environment", {})
    if env.get("WIREFEED__BUS__KIND") != "kafka":
        problems.append(f"{name} does not set WIREFEED__BUS__KIND=kafka")
    if "healthcheck" not in service:
        problems.append(f"{name} has no healthcheck")
for name in ("prometheus", "grafana"):
    if "observability" not in services.get(name, {}).get("profiles", []):
        problems.append(f"{name} is not in the observability profile")
for problem in problems:
    print(f"validate: {compose_path}: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"validate: {compose_path} is valid against the compose-spec schema ({len(services)} services)")

with open(dashboard_path) as f:
    dashboard = json.load(f)
panels = dashboard.get("panels", [])
if not panels or not all(p.get("targets") for p in panels):
    print(f"validate: {dashboard_path}: every panel needs a query", file=sys.stderr)
    sys.exit(1)
print(f"validate: {dashboard_path} has {len(panels)} panels")
PY

if command -v promtool >/dev/null 2>&1; then
  promtool check config "$DEPLOY/prometheus/prometheus.yml"
  promtool check rules "$DEPLOY/prometheus/rules.yml"
  if [[ -f "$DEPLOY/prometheus/rules.test.yml" ]]; then
    (cd "$DEPLOY/prometheus" && promtool test rules rules.test.yml)
  fi
else
  echo "validate: promtool not installed (Debian package prometheus): Prometheus files not checked"
fi
