// A minimal stand-in of OpenAI's API for gateway-openai.sh: POST /v1/chat/completions and POST /v1/responses answer
// with fixed usage (GPT-5.6 shape: prompt_tokens include cached_tokens and cache_write_tokens), as SSE when the body
// asks to stream (a chat stream carries its usage chunk only when stream_options.include_usage is set, as OpenAI's
// does), with an x-request-id header; GET /_standin/count says how many model calls came. Prints "listening on PORT".
import http from "node:http";

const model = "gpt-5.6-sol-2026-06-01";
const chatUsage = { prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300,
  prompt_tokens_details: { cached_tokens: 1500, cache_write_tokens: 300 },
  completion_tokens_details: { reasoning_tokens: 100 } };
const responseUsage = { input_tokens: 2000, input_tokens_details: { cached_tokens: 1500, cache_write_tokens: 300 },
  output_tokens: 300, output_tokens_details: { reasoning_tokens: 100 }, total_tokens: 2300 };
let calls = 0;
const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    if (req.url === "/_standin/count") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ calls }));
      return;
    }
    const chat = req.url === "/v1/chat/completions";
    if (req.method !== "POST" || (!chat && req.url !== "/v1/responses")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: {
        message: "stand-in: no route", type: "invalid_request_error", param: null, code: null } }));
      return;
    }
    calls += 1;
    const request = JSON.parse(body);
    const headers = { "x-request-id": `req_oai${calls}` };
    const response = { id: `resp_${calls}`, object: "response", created_at: 1764650000, status: "completed", model,
      output: [{ type: "message", id: `msg_${calls}`, status: "completed", role: "assistant",
        content: [{ type: "output_text", text: "hi", annotations: [] }] }], service_tier: "default",
      usage: responseUsage };
    if (!request.stream) {
      res.writeHead(200, { ...headers, "content-type": "application/json" }).end(JSON.stringify(chat
        ? { id: `chatcmpl-${calls}`, object: "chat.completion", created: 1764650000, model, service_tier: "default",
          choices: [{ index: 0, message: { role: "assistant", content: "hi", refusal: null }, finish_reason: "stop" }],
          usage: chatUsage }
        : response));
      return;
    }
    res.writeHead(200, { ...headers, "content-type": "text/event-stream" });
    if (chat) {
      const withUsage = request.stream_options?.include_usage === true;
      const chunk = (choices, more = {}) => res.write(`data: ${JSON.stringify({ id: `chatcmpl-${calls}`,
        object: "chat.completion.chunk", created: 1764650000, model, service_tier: "default", choices,
        ...(withUsage ? { usage: null } : {}), ...more })}\n\n`);
      chunk([{ index: 0, delta: { role: "assistant", content: "Hello" }, finish_reason: null }]);
      chunk([{ index: 0, delta: { content: ", world" }, finish_reason: null }]);
      chunk([{ index: 0, delta: {}, finish_reason: "stop" }]);
      if (withUsage) chunk([], { usage: chatUsage });
      res.end("data: [DONE]\n\n");
      return;
    }
    const event = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    event("response.created", { sequence_number: 0, response: { ...response, status: "in_progress", output: [],
      usage: null } });
    event("response.output_text.delta", { sequence_number: 1, item_id: `msg_${calls}`, output_index: 0,
      content_index: 0, delta: "hi" });
    event("response.completed", { sequence_number: 2, response });
    res.end();
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening on ${server.address().port}`));
