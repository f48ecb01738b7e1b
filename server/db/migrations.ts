// Ordered, append-only. Each area appends its own entries; never edit one that has shipped.
export interface Migration {
  id: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    id: '001_core',
    sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT,              -- user name, or 'system'
        remote TEXT,             -- client address
        action TEXT NOT NULL,    -- 'login', 'passthrough.apply', 'vm.start', …
        target TEXT,             -- device address, VM name, …
        detail TEXT,             -- JSON: the writes, argv, …
        result TEXT NOT NULL     -- 'ok' | 'error' | 'refused'
      );
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE TABLE card_power (
        vendor_device TEXT PRIMARY KEY,   -- "10de:1cb1"
        max_watts REAL NOT NULL,
        note TEXT,
        updated_at TEXT NOT NULL
      );
    `,
  },
];

migrations.push({
  id: '010_auth',
  sql: `
    CREATE TABLE users (
      name TEXT PRIMARY KEY,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('viewer', 'admin')),
      created_at TEXT NOT NULL,
      password_changed_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
      id_hash TEXT PRIMARY KEY,          -- sha256 of the cookie value; the value itself is never stored
      user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      remote TEXT
    );
    CREATE INDEX sessions_user ON sessions(user_name);
  `,
});
