-- Entourage access, version 2: API keys, people who log in, and the program's own secrets.
-- Times in Unix epoch milliseconds. No secret is stored in the clear: keys as SHA-256 hex, passwords as PBKDF2.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    key_hash     TEXT    NOT NULL,
    -- 'oc_' and the key's first random characters, to recognise it in listings
    prefix       TEXT    NOT NULL,
    name         TEXT,
    role         TEXT    NOT NULL,
    team_id      INTEGER NOT NULL REFERENCES teams (id),
    agent_id     INTEGER REFERENCES agents (id),
    created_at   BIGINT  NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE UNIQUE INDEX api_keys_by_hash ON api_keys (key_hash);
CREATE INDEX api_keys_by_team ON api_keys (team_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    -- lower-cased
    email         TEXT    NOT NULL UNIQUE,
    -- pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    team_id       INTEGER NOT NULL REFERENCES teams (id),
    created_at    BIGINT  NOT NULL
);

-- Values base64; e.g. 'token_secret', the HS256 key of access tokens.
CREATE TABLE secrets (
    name       TEXT   PRIMARY KEY,
    value      TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
