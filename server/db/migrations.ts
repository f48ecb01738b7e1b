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

migrations.push({
  id: '020_vms',
  sql: `
    CREATE TABLE vms (
      name TEXT PRIMARY KEY,
      kernel TEXT NOT NULL,
      initrd TEXT,
      disks TEXT NOT NULL,            -- JSON [{path, format}]
      memory_mib INTEGER NOT NULL,
      vcpus INTEGER NOT NULL,
      cmdline TEXT NOT NULL,
      devices TEXT NOT NULL,          -- JSON ["0005:01:00.0", …]: endpoints picked; their groups are implied
      pci_nomsi INTEGER NOT NULL,
      accel TEXT NOT NULL CHECK (accel IN ('auto', 'kvm', 'tcg')),
      machine_options TEXT NOT NULL,  -- JSON ["highmem=on", …]
      on_stop TEXT NOT NULL CHECK (on_stop IN ('keep', 'return')),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    -- one row per device a started VM holds; the primary key makes two starts sharing a device race-free
    CREATE TABLE vm_device_claims (
      address TEXT PRIMARY KEY,
      vm TEXT NOT NULL REFERENCES vms(name) ON DELETE CASCADE,
      claimed_at TEXT NOT NULL
    );
    CREATE INDEX vm_device_claims_vm ON vm_device_claims(vm);
    -- the QEMU a VM runs as, so a restarted dashboard knows what to adopt
    CREATE TABLE vm_runs (
      vm TEXT PRIMARY KEY REFERENCES vms(name) ON DELETE CASCADE,
      pid INTEGER,
      run_dir TEXT NOT NULL,
      sim INTEGER NOT NULL,
      argv TEXT NOT NULL,             -- JSON: the argv actually run
      started_at TEXT NOT NULL
    );
  `,
});

migrations.push({
  id: '011_auth_idle',
  sql: `
    -- sessions also end after a stretch without requests (see server/auth/sessions.ts)
    ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
    UPDATE sessions SET last_seen_at = created_at;
  `,
});

migrations.push({
  id: '040_passthrough',
  sql: `
    -- what each endpoint was on before jetvm handed it to vfio-pci (release restores it)
    CREATE TABLE passthrough_originals (
      address TEXT PRIMARY KEY,
      group_id INTEGER,
      driver TEXT,
      driver_override TEXT,
      recorded_at TEXT NOT NULL
    );
    -- devices configured to go to vfio-pci at boot, and the files jetvm wrote for them
    CREATE TABLE boot_devices (
      address TEXT PRIMARY KEY,
      vendor TEXT NOT NULL,
      device TEXT NOT NULL,
      host_driver TEXT,
      added_at TEXT NOT NULL
    );
    CREATE TABLE boot_files (
      path TEXT PRIMARY KEY,          -- absolute path written on this machine
      sha256 TEXT NOT NULL,
      written_at TEXT NOT NULL
    );
  `,
});

migrations.push({
  id: '021_vm_runs_owner',
  sql: `
    -- the jetvm process (pid:start time) that started or adopted the QEMU: while it lives, no other
    -- process starts or adopts the same VM (server/vm/claims.ts claimRun)
    ALTER TABLE vm_runs ADD COLUMN owner TEXT;
  `,
});

migrations.push({
  id: '050_vm_guests',
  sql: `
    -- guests that are real machines: UEFI, CD-ROMs, networking, cloud-init, autostart (server/vm/*)
    ALTER TABLE vms ADD COLUMN firmware TEXT NOT NULL DEFAULT 'kernel' CHECK (firmware IN ('kernel', 'uefi'));
    ALTER TABLE vms ADD COLUMN cdroms TEXT NOT NULL DEFAULT '[]';   -- JSON ["/srv/debian.iso"]
    ALTER TABLE vms ADD COLUMN boot TEXT NOT NULL DEFAULT 'disk' CHECK (boot IN ('disk', 'cdrom'));
    ALTER TABLE vms ADD COLUMN network TEXT;      -- JSON {mode, bridge, mac, forwards}; NULL: no NIC (VMs made before)
    ALTER TABLE vms ADD COLUMN cloud_init TEXT;   -- JSON {hostname, user, passwordHash, sshKeys, userData} or NULL
    ALTER TABLE vms ADD COLUMN autostart TEXT;    -- JSON {enabled, order, delaySeconds} or NULL (off)
  `,
});

migrations.push({
  id: '051_audit_log_action',
  sql: `
    -- reads by action: transcript retention's linked transcripts (at every host-shell session's end) and
    -- the counted failed logins, which otherwise scan the whole log (100k rows by default)
    CREATE INDEX audit_log_action ON audit_log(action);
  `,
});
