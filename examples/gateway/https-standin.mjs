// A stand-in of the Anthropic Messages API over HTTPS for gateway-https.sh: TLS with the key and certificate in
// $STANDIN_KEY and $STANDIN_CERT (PEM), offering by ALPN the protocols in $STANDIN_ALPN (default "h2,http/1.1").
// POST /v1/messages answers with fixed usage, as SSE when the body asks to stream; GET /_standin/protocols lists the
// HTTP version each message call came over. Prints "listening on PORT".
import fs from "node:fs";
import http2 from "node:http2";

const usage = { input_tokens: 1200, cache_creation_input_tokens: 3000, cache_read_input_tokens: 20000,
  cache_creation: { ephemeral_5m_input_tokens: 2000, ephemeral_1h_input_tokens: 1000 } };
const protocols = [];
const server = http2.createSecureServer({ key: fs.readFileSync(process.env.STANDIN_KEY),
  cert: fs.readFileSync(process.env.STANDIN_CERT), allowHTTP1: true,
  ALPNProtocols: (process.env.STANDIN_ALPN || "h2,http/1.1").split(",") }, (req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (req.url === "/_standin/protocols") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ protocols }));
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/messages") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"type":"error","error":{"type":"not_found_error","message":"stand-in: no route"}}');
      return;
    }
    protocols.push(`HTTP/${req.httpVersion}`);
    const id = `req_https${protocols.length}`;
    const request = JSON.parse(body);
    const message = { id: `msg_${protocols.length}`, type: "message", role: "assistant", model: request.model };
    if (!request.stream) {
      res.writeHead(200, { "content-type": "application/json", "request-id": id });
      res.end(JSON.stringify({ ...message, content: [{ type: "text", text: "hi" }], stop_reason: "end_turn",
        stop_sequence: null, usage: { ...usage, output_tokens: 400 } }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "request-id": id });
    const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event("message_start", { message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } });
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    event("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hello, world" } });
    event("content_block_stop", { index: 0 });
    event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 400 } });
    event("message_stop", {});
    res.end();
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening on ${server.address().port}`));
