-- The price modifiers a usage event was priced with (issue 12): the service tier (batch, flex, priority…) and
-- where inference ran (us, eu, global…); speed has been on usage_events since V8. Null for standard / no choice.
ALTER TABLE usage_events ADD COLUMN service_tier TEXT;
ALTER TABLE usage_events ADD COLUMN inference_geo TEXT;
