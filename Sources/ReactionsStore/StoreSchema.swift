/// The state store's schema, as an ordered list of migrations. The database records how
/// many it has run (`PRAGMA user_version`); opening runs the missing ones in one
/// transaction, and refuses a database from a newer release rather than guess.
enum StoreSchema {
    static let migrations: [String] = [
        // 1: revisions and content-addressed script snapshots.
        """
        CREATE TABLE revisions (
            number      INTEGER PRIMARY KEY,
            hash        TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            created_by  TEXT NOT NULL,
            source      TEXT NOT NULL,
            added       INTEGER NOT NULL,
            changed     INTEGER NOT NULL,
            destroyed   INTEGER NOT NULL,
            document    TEXT NOT NULL
        );
        CREATE TABLE scripts (
            sha256      TEXT PRIMARY KEY,
            content     BLOB NOT NULL
        );
        CREATE TABLE revision_scripts (
            revision    INTEGER NOT NULL REFERENCES revisions(number),
            sha256      TEXT NOT NULL REFERENCES scripts(sha256),
            PRIMARY KEY (revision, sha256)
        );
        """,
        // 2: deploys (OpsLevel contract), per-service deploy numbers, suggestions, events.
        """
        CREATE TABLE deploys (
            id              INTEGER PRIMARY KEY,
            endpoint        TEXT NOT NULL,
            service         TEXT NOT NULL,
            service_name    TEXT,
            environment     TEXT,
            status          TEXT NOT NULL,
            deploy_number   TEXT NOT NULL,
            dedup_id        TEXT UNIQUE,
            deployed_at     TEXT NOT NULL,
            received_at     TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            revision        INTEGER NOT NULL,
            payload         TEXT NOT NULL
        );
        CREATE INDEX deploys_by_service ON deploys(service_name, id);
        CREATE INDEX deploys_by_environment ON deploys(environment, id);
        CREATE TABLE deploy_counters (
            service         TEXT PRIMARY KEY,
            last_number     INTEGER NOT NULL
        );
        CREATE TABLE suggestions (
            service         TEXT PRIMARY KEY,
            endpoint        TEXT NOT NULL,
            first_seen      TEXT NOT NULL,
            last_seen       TEXT NOT NULL,
            deploys         INTEGER NOT NULL,
            environments    TEXT NOT NULL
        );
        CREATE TABLE events (
            seq             INTEGER PRIMARY KEY,
            id              TEXT NOT NULL UNIQUE,
            type            TEXT NOT NULL,
            time            TEXT NOT NULL,
            revision        INTEGER,
            envelope        TEXT NOT NULL
        );
        CREATE INDEX events_by_type ON events(type, seq);
        """,
        // 3: Standard Webhooks message ids already accepted, per endpoint (replay protection).
        """
        CREATE TABLE webhook_seen (
            endpoint        TEXT NOT NULL,
            message_id      TEXT NOT NULL,
            event_id        TEXT NOT NULL,
            seen_at         INTEGER NOT NULL,
            PRIMARY KEY (endpoint, message_id)
        );
        CREATE INDEX webhook_seen_by_age ON webhook_seen(seen_at);
        """,
        // 4: the outbox (DESIGN §4): one delivery per event and reaction it fires, written in
        // the event's transaction, and every attempt made for it.
        """
        CREATE TABLE deliveries (
            id              TEXT PRIMARY KEY,
            event_id        TEXT NOT NULL,
            event_type      TEXT NOT NULL,
            reaction        TEXT NOT NULL,
            revision        INTEGER NOT NULL,
            status          TEXT NOT NULL,
            attempts        INTEGER NOT NULL,
            round_attempts  INTEGER NOT NULL,
            next_at         INTEGER NOT NULL,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            last_error      TEXT
        );
        CREATE INDEX deliveries_due ON deliveries(next_at) WHERE status IN ('pending', 'retrying');
        CREATE INDEX deliveries_by_event ON deliveries(event_id);
        CREATE INDEX deliveries_by_status ON deliveries(status, created_at);
        CREATE TABLE attempts (
            delivery_id     TEXT NOT NULL REFERENCES deliveries(id),
            number          INTEGER NOT NULL,
            started_at      TEXT NOT NULL,
            milliseconds    INTEGER NOT NULL,
            succeeded       INTEGER NOT NULL,
            http_status     INTEGER,
            exit_status     INTEGER,
            error           TEXT,
            response        TEXT NOT NULL,
            PRIMARY KEY (delivery_id, number)
        );
        """,
        // 5: a deploy's payload is stored once, as the data of its latest event: deploys
        // written from now on point at that event and keep an empty `payload` (the column
        // cannot become nullable without rewriting the table); older rows keep theirs. So a
        // deploy's latest event must outlive it: anything that ever prunes events keeps those.
        """
        ALTER TABLE deploys ADD COLUMN event_id TEXT;
        """,
        // 6: `deploys --service` asked `service_name = ? OR service = ?`, which no index can
        // answer, so every listing by service scanned the table while every deploy paid to
        // maintain an index on `service_name`. One key now names a deploy's service: the
        // declared one, or what it sent when it matched none; callers resolve aliases first.
        """
        DROP INDEX deploys_by_service;
        CREATE INDEX deploys_by_service ON deploys(coalesce(service_name, service), id);
        """,
        // 7: `deliveries` listed newest first by `created_at`, which no index orders, so
        // every listing sorted the whole outbox. It now lists by rowid (insertion order);
        // an index on one column also orders its entries by rowid, so a listing by status or
        // by reaction reads just its newest entries.
        """
        DROP INDEX deliveries_by_status;
        CREATE INDEX deliveries_by_status ON deliveries(status);
        CREATE INDEX deliveries_by_reaction ON deliveries(reaction);
        """,
        // 8: a sent deploy_number did not move the service's counter, so "19" followed by
        // a deploy without a number got 19 again. Counters now follow sent plain numbers;
        // this brings existing counters past every such number already stored.
        """
        INSERT INTO deploy_counters (service, last_number)
        SELECT coalesce(service_name, service), max(CAST(deploy_number AS INTEGER)) FROM deploys
        WHERE deploy_number <> '' AND deploy_number NOT GLOB '*[^0-9]*' AND length(deploy_number) <= 15
        GROUP BY coalesce(service_name, service)
        ON CONFLICT(service) DO UPDATE SET last_number = max(last_number, excluded.last_number);
        """,
        // 9: a delivery whose attempt failed only because secrets were missing waited
        // minutes or hours for its next scheduled attempt after the secrets were provided.
        // `waiting_for` names those secrets (comma-separated) while it is retrying, so the
        // dispatcher can bring it forward as soon as they resolve.
        """
        ALTER TABLE deliveries ADD COLUMN waiting_for TEXT;
        CREATE INDEX deliveries_waiting_for ON deliveries(waiting_for) WHERE waiting_for IS NOT NULL;
        """,
        // 10: `/metrics` counted the outbox with a GROUP BY and loaded every suggestion on
        // each scrape, so a scrape cost more as the store grew. Counters kept by triggers, in
        // the transaction that changes the rows, make it one lookup each; whatever writes
        // the rows (serve, the CLI, a pruner) cannot forget to keep them. Retention's totals
        // and the time before which it removed everything it could live here too.
        """
        CREATE TABLE store_counters (
            name            TEXT PRIMARY KEY,
            value           INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO store_counters (name, value) VALUES
            ('deliveries.pending', 0), ('deliveries.retrying', 0), ('deliveries.delivered', 0), ('deliveries.failed', 0),
            ('suggestions', 0),
            ('pruned.events', 0), ('pruned.deliveries', 0), ('pruned.attempts', 0), ('pruned.deploys', 0),
            ('pruned_before.events', 0), ('pruned_before.deploys', 0);
        UPDATE store_counters SET value = (SELECT count(*) FROM deliveries WHERE status = substr(name, 12))
        WHERE name LIKE 'deliveries.%';
        UPDATE store_counters SET value = (SELECT count(*) FROM suggestions) WHERE name = 'suggestions';
        CREATE TRIGGER deliveries_counted_on_insert AFTER INSERT ON deliveries BEGIN
            UPDATE store_counters SET value = value + 1 WHERE name = 'deliveries.' || NEW.status;
        END;
        CREATE TRIGGER deliveries_counted_on_update AFTER UPDATE OF status ON deliveries
        WHEN OLD.status IS NOT NEW.status BEGIN
            UPDATE store_counters SET value = value - 1 WHERE name = 'deliveries.' || OLD.status;
            UPDATE store_counters SET value = value + 1 WHERE name = 'deliveries.' || NEW.status;
        END;
        CREATE TRIGGER deliveries_counted_on_delete AFTER DELETE ON deliveries BEGIN
            UPDATE store_counters SET value = value - 1 WHERE name = 'deliveries.' || OLD.status;
        END;
        CREATE TRIGGER suggestions_counted_on_insert AFTER INSERT ON suggestions BEGIN
            UPDATE store_counters SET value = value + 1 WHERE name = 'suggestions';
        END;
        CREATE TRIGGER suggestions_counted_on_delete AFTER DELETE ON suggestions BEGIN
            UPDATE store_counters SET value = value - 1 WHERE name = 'suggestions';
        END;
        """,
        // 11: attempts are only ever read by their delivery, in number order, and their rows
        // are small; kept in a rowid table they were stored twice over (the table, and its
        // primary key as a separate index: 87 of every deploy's bytes at ten million).
        // Keyed by (delivery_id, number) alone, the table is its own index.
        """
        CREATE TABLE attempts_by_delivery (
            delivery_id     TEXT NOT NULL REFERENCES deliveries(id),
            number          INTEGER NOT NULL,
            started_at      TEXT NOT NULL,
            milliseconds    INTEGER NOT NULL,
            succeeded       INTEGER NOT NULL,
            http_status     INTEGER,
            exit_status     INTEGER,
            error           TEXT,
            response        TEXT NOT NULL,
            PRIMARY KEY (delivery_id, number)
        ) WITHOUT ROWID;
        INSERT INTO attempts_by_delivery SELECT delivery_id, number, started_at, milliseconds, succeeded, http_status, exit_status, error, response
        FROM attempts;
        DROP TABLE attempts;
        ALTER TABLE attempts_by_delivery RENAME TO attempts;
        """,
        // 12: two indexes held an entry for every row to serve listings of their rarest
        // values: events by type (31 bytes a deploy) and deliveries by status (19-26). The
        // bulk value, `deploy.succeeded` and `delivered`, is left out of each; a listing of it
        // walks the table newest first and finds its rows at once, since most rows are it.
        """
        DROP INDEX events_by_type;
        CREATE INDEX events_by_type ON events(type, seq) WHERE type <> 'deploy.succeeded';
        DROP INDEX deliveries_by_status;
        CREATE INDEX deliveries_by_status ON deliveries(status) WHERE status <> 'delivered';
        """,
        // 13: the index of deploys by service took each deploy at its service's place in
        // the index: with hundreds of services, every group commit dirtied a page per service
        // in it, and once the index outgrew the cache ingestion ran at two thirds of its
        // speed on an empty store. Each service and environment's deploys are now a list,
        // newest first: `deploy_heads` holds the newest (a few hundred rows, always cached),
        // `deploy_chain` each deploy's predecessor (appended in id order, like the deploys).
        // A listing by service follows its lists; triggers keep them, whoever writes deploys
        // (the store, `state copy`, a pruner). Existing deploys are linked here once, about
        // seven seconds per million through `reactions`.
        """
        CREATE TABLE deploy_heads (
            service         TEXT NOT NULL,
            environment     TEXT NOT NULL,
            deploy_id       INTEGER NOT NULL,
            PRIMARY KEY (service, environment)
        ) WITHOUT ROWID;
        CREATE TABLE deploy_chain (
            id              INTEGER PRIMARY KEY,
            previous_id     INTEGER NOT NULL
        );
        \(linkDeploys)
        DROP INDEX deploys_by_service;
        CREATE TRIGGER deploys_chained_on_insert AFTER INSERT ON deploys BEGIN
            INSERT INTO deploy_chain (id, previous_id)
            SELECT NEW.id, deploy_id FROM deploy_heads
            WHERE service = coalesce(NEW.service_name, NEW.service) AND environment = coalesce(NEW.environment, '');
            INSERT INTO deploy_heads (service, environment, deploy_id)
            VALUES (coalesce(NEW.service_name, NEW.service), coalesce(NEW.environment, ''), NEW.id)
            ON CONFLICT (service, environment) DO UPDATE SET deploy_id = excluded.deploy_id;
        END;
        CREATE TRIGGER deploys_unchained_on_delete AFTER DELETE ON deploys BEGIN
            UPDATE deploy_heads
            SET deploy_id = coalesce((SELECT d.id FROM deploy_chain c JOIN deploys d ON d.id = c.previous_id WHERE c.id = OLD.id), -1)
            WHERE deploy_id = OLD.id AND service = coalesce(OLD.service_name, OLD.service) AND environment = coalesce(OLD.environment, '');
            DELETE FROM deploy_heads
            WHERE service = coalesce(OLD.service_name, OLD.service) AND environment = coalesce(OLD.environment, '') AND deploy_id = -1;
            DELETE FROM deploy_chain WHERE id = OLD.id;
        END;
        """,
        // 14: the insert trigger of migration 13 ran two statements for every deploy, a
        // tenth of the writer's time. The deploy store now links each deploy as it inserts
        // it, reading a list's head once per batch and writing it once; `state copy` links
        // what it copied in one statement (`linkDeploys`). Deletes keep their trigger.
        """
        DROP TRIGGER deploys_chained_on_insert;
        """,
        // 15: the index of deploys by environment cost every commit about three pages of
        // log (an index appended at its end rebalances three leaves whenever the last one
        // fills) and 25 bytes a deploy, for one listing. That listing now merges the lists
        // of migration 13 of every service in the environment, whose heads this finds.
        """
        DROP INDEX IF EXISTS deploys_by_environment;
        CREATE INDEX deploy_heads_by_environment ON deploy_heads(environment);
        """,
    ]

    /// Links every deploy into its service and environment's list (migration 13), into an
    /// empty `deploy_chain` and `deploy_heads`.
    static let linkDeploys = """
        INSERT INTO deploy_chain (id, previous_id)
        SELECT id, previous_id FROM (
            SELECT id, lag(id) OVER (PARTITION BY coalesce(service_name, service), coalesce(environment, '') ORDER BY id) AS previous_id
            FROM deploys
        ) WHERE previous_id IS NOT NULL ORDER BY id;
        INSERT INTO deploy_heads (service, environment, deploy_id)
        SELECT coalesce(service_name, service), coalesce(environment, ''), max(id) FROM deploys GROUP BY 1, 2;
        """

    static func migrate(_ db: SQLiteDatabase) throws(StoreError) {
        let current = try db.userVersion
        guard current <= migrations.count else { throw .newerSchema(found: current, supported: migrations.count) }
        guard current < migrations.count else { return }
        try db.transaction {
            () throws(StoreError) in
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let now = try db.userVersion
            for index in now..<migrations.count {
                try db.execute(migrations[index])
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
