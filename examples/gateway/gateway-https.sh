#!/usr/bin/env bash
# The gateway of `entourage serve` to an upstream over HTTPS (https-standin.mjs, a self-signed certificate made here
# with openssl): trusted through a copy of the JDK's cacerts with the certificate added, passed as
# -Djavax.net.ssl.trustStore, the gateway negotiates HTTP/2 by ALPN, a plain and a streamed call pass through and
# their exact usage is recorded; a gateway started without that trust store refuses the upstream (502 api_error)
# and charges nothing. Run by nothing; needs: java (keytool), node, openssl, curl, python3, and the built jar.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="$root/mcp-server/target/entourage.jar"
[ -f "$jar" ] || { echo "gateway-https: build first (mvn -B package -DskipTests)" >&2; exit 1; }
# shellcheck source=../processes.sh
. "$root/examples/processes.sh"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=entourage-standin \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/standin.key" -out "$work/standin.crt" 2>/dev/null
java_home="$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.home =/ {print $2}')"
cp "$java_home/lib/security/cacerts" "$work/cacerts"
chmod u+w "$work/cacerts"
keytool -importcert -noprompt -alias entourage-standin -file "$work/standin.crt" -keystore "$work/cacerts" \
  -storepass changeit >/dev/null 2>&1
trust=(-Djavax.net.ssl.trustStore="$work/cacerts" -Djavax.net.ssl.trustStorePassword=changeit)

STANDIN_KEY="$work/standin.key" STANDIN_CERT="$work/standin.crt" node "$here/https-standin.mjs" > "$work/standin.out" &
pids+=($!)
for _ in $(seq 1 50); do grep -q listening "$work/standin.out" 2>/dev/null && break; sleep 0.1; done
upstream="https://127.0.0.1:$(awk '/listening on/ {print $3}' "$work/standin.out")"
protocols() { curl -fsS --cacert "$work/standin.crt" "$upstream/_standin/protocols"; }

db="$work/ledger.db"
key="$(entourage init --json --db "$db" | python3 -c 'import json,sys; print(json.load(sys.stdin)["admin_key"])')"
port="$(free_port)"
java "${trust[@]}" -jar "$jar" serve --db "$db" --port "$port" --anthropic-upstream "$upstream" 2> "$work/serve.log" &
pids+=($!)
wait_up "$port" "$work/serve.log"
curl -fsS -X POST "http://127.0.0.1:$port/api/v1/teams/default/agents" -H "X-API-Key: $key" \
  -H 'Content-Type: application/json' -d '{"name": "tls-1", "daily_limit_usd": 1}' >/dev/null

call() { # call PORT STREAM: one Messages call through the gateway on PORT; prints the answer, then the HTTP status
  curl -sS -N "http://127.0.0.1:$1/anthropic/v1/messages" -H 'content-type: application/json' \
    -H 'anthropic-version: 2023-06-01' -H 'x-api-key: sk-ant-example-not-a-key' -H "X-Entourage-Key: $key" \
    -H 'X-Entourage-Agent: tls-1' -H 'X-Entourage-Session: tls-example' -w '\nstatus %{http_code}\n' \
    -d "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":$2,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"
}
spent() {
  curl -fsS "http://127.0.0.1:$port/api/v1/agents/tls-1/budget" -H "X-API-Key: $key" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["daily_spent_usd"])'
}

plain="$(call "$port" false)"
streamed="$(call "$port" true)"
echo "plain:    $(echo "$plain" | head -c 120)… $(echo "$plain" | tail -1)"
echo "streamed: $(echo "$streamed" | grep -c '^event: ') events, last $(echo "$streamed" | grep '^event: ' | tail -1); $(echo "$streamed" | tail -1)"
echo "the stand-in saw: $(protocols)"
[ "$(protocols)" = '{"protocols":["HTTP/2.0","HTTP/2.0"]}' ] \
  || { echo "gateway-https: expected both calls over HTTP/2" >&2; exit 1; }
echo "$plain" | grep -q '"output_tokens":400' && echo "$streamed" | grep -q '^event: message_stop' \
  || { echo "gateway-https: an answer did not pass through" >&2; exit 1; }
for _ in $(seq 1 25); do [ "$(spent)" = "0.0582" ] && break; sleep 0.2; done
echo "recorded for tls-1 today: \$$(spent) (two calls of \$0.0291 each)"
[ "$(spent)" = "0.0582" ] || { echo "gateway-https: expected \$0.0582 recorded" >&2; exit 1; }

untrusting="$(free_port)"
java -jar "$jar" serve --db "$db" --port "$untrusting" --anthropic-upstream "$upstream" 2> "$work/untrusting.log" &
pids+=($!)
wait_up "$untrusting" "$work/untrusting.log"
refused="$(call "$untrusting" false)"
echo "without the trust store: $(echo "$refused" | tail -1), $(echo "$refused" | head -1 | head -c 160)"
echo "$refused" | tail -1 | grep -q 'status 502' && echo "$refused" | grep -q '"api_error"' \
  || { echo "gateway-https: expected 502 api_error from a gateway that does not trust the upstream" >&2; exit 1; }
[ "$(protocols)" = '{"protocols":["HTTP/2.0","HTTP/2.0"]}' ] \
  || { echo "gateway-https: the untrusted upstream was reached" >&2; exit 1; }
sleep 0.5
[ "$(spent)" = "0.0582" ] || { echo "gateway-https: the refused call was charged" >&2; exit 1; }
echo "gateway-https: ok"
