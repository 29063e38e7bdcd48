// The official openai SDK through the Entourage gateway (gateway-openai.sh sets the environment): a plain and a
// streamed chat completion, a Responses call, then the call the budget refuses, which the SDK must not retry.
import OpenAI from "openai";
import assert from "node:assert/strict";

let sent = 0;
const client = new OpenAI({
  apiKey: "sk-proj-example-not-a-real-key",
  fetch: (url, init) => { sent += 1; return fetch(url, init); },
  baseURL: process.env.GATEWAY_URL,
  defaultHeaders: { "X-Entourage-Key": process.env.ENTOURAGE_KEY, "X-Entourage-Agent": "sdk-oai",
    "X-Entourage-Session": "sdk-openai-example" },
  maxRetries: 2,
});
const ask = { model: "gpt-5.6-sol", max_completion_tokens: 300, messages: [{ role: "user", content: "Say hello" }] };
const calls = async () => (await (await fetch(`${process.env.STANDIN_URL}/_standin/count`)).json()).calls;

const plain = await client.chat.completions.create(ask);
assert.equal(plain.usage.prompt_tokens, 2000);
assert.equal(plain.choices[0].message.content, "hi");
console.log("plain chat: usage", JSON.stringify(plain.usage));

const stream = await client.chat.completions.create({ ...ask, stream: true });
let text = "";
let usage = null;
for await (const chunk of stream) {
  text += chunk.choices[0]?.delta?.content ?? "";
  usage = chunk.usage ?? usage;
}
assert.equal(text, "Hello, world");
assert.equal(usage?.completion_tokens, 300, "the gateway asked for the stream's usage chunk");
console.log("streamed chat:", JSON.stringify(text), "then the usage chunk the gateway asked for");

const response = await client.responses.create({ model: "gpt-5.6-sol", max_output_tokens: 300, input: "Say hello" });
assert.equal(response.output_text, "hi");
assert.equal(response.usage.input_tokens_details.cached_tokens, 1500);
console.log("responses: usage", JSON.stringify(response.usage));

const before = await calls();
sent = 0;
try {
  await client.chat.completions.create(ask);
  assert.fail("the call over the budget was answered");
} catch (e) {
  assert.ok(e instanceof OpenAI.APIError, String(e));
  assert.equal(e.status, 429);
  assert.equal(e.code, "insufficient_quota");
  assert.equal(e.type, "insufficient_quota");
  console.log("refused:", e.error.message);
}
assert.equal(sent, 1, `the SDK sent the refused call ${sent} times (maxRetries: 2)`);
assert.equal(await calls(), before, "the refused call reached the upstream");
console.log("stand-in calls:", await calls(), "(the refused call never reached it; the SDK sent it once, no retry)");
