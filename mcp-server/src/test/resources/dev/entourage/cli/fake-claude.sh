#!/bin/sh
# A stand-in for `claude` in RunCommandTest: prints what it was given, then does what its prompt says.
echo "args: $*"
echo "endpoint: $OTEL_EXPORTER_OTLP_ENDPOINT"
echo "headers: $OTEL_EXPORTER_OTLP_HEADERS"
echo "attributes: $OTEL_RESOURCE_ATTRIBUTES"
settings=""
previous=""
for arg in "$@"; do
  if [ "$previous" = "--settings" ]; then settings="$arg"; fi
  previous="$arg"
done
echo "settings: $(tr -d ' \n' < "$settings")"
echo "started $$" >> "$FAKE_CLAUDE_LOG"
case "$*" in
  *"exit 7"*) echo "giving up" >&2; exit 7 ;;
  *stubborn*) trap '' TERM; while :; do sleep 1; done ;;
  *) exec sleep 120 ;;
esac
