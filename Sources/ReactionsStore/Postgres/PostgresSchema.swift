/// The state's schema in PostgreSQL: the tables of `StoreSchema` (the same columns, so the
/// two stores hold the same things and `state copy` can move a state between them), as
/// numbered migrations recorded in `reactions_schema`.
///
/// Replicas starting together migrate once: each takes a session advisory lock before it
/// reads the version, so the others wait, then find nothing left to do.
enum PostgresSchema {
    static let migrations: [String] = [
        // 1: everything the SQLite store had at its migration 10.
        """
        CREATE TABLE revisions (
            number      bigint PRIMARY KEY,
            hash        text NOT NULL,
            created_at  text NOT NULL,
            created_by  text NOT NULL,
            source      text NOT NULL,
            added       integer NOT NULL,
            changed     integer NOT NULL,
            destroyed   integer NOT NULL,
            document    text NOT NULL
        );
        CREATE TABLE scripts (
            sha256      text PRIMARY KEY,
            content     bytea NOT NULL
        );
        CREATE TABLE revision_scripts (
            revision    bigint NOT NULL REFERENCES revisions(number),
            sha256      text NOT NULL REFERENCES scripts(sha256),
            PRIMARY KEY (revision, sha256)
        );
        CREATE TABLE events (
            seq         bigserial PRIMARY KEY,
            id          text NOT NULL UNIQUE,
            type        text NOT NULL,
            time        text NOT NULL,
            revision    bigint,
            envelope    text NOT NULL
        );
        CREATE INDEX events_by_type ON events(type, seq);
        CREATE TABLE deliveries (
            seq             bigserial PRIMARY KEY,
            id              text NOT NULL UNIQUE,
            event_id        text NOT NULL,
            event_type      text NOT NULL,
            reaction        text NOT NULL,
            revision        bigint NOT NULL,
            status          text NOT NULL,
            attempts        integer NOT NULL,
            round_attempts  integer NOT NULL,
            next_at         bigint NOT NULL,
            created_at      text NOT NULL,
            updated_at      text NOT NULL,
            last_error      text,
            waiting_for     text
        );
        CREATE INDEX deliveries_due ON deliveries(next_at) WHERE status IN ('pending', 'retrying');
        CREATE INDEX deliveries_by_event ON deliveries(event_id);
        CREATE INDEX deliveries_by_status ON deliveries(status, seq);
        CREATE INDEX deliveries_by_reaction ON deliveries(reaction, seq);
        CREATE INDEX deliveries_waiting_for ON deliveries(waiting_for) WHERE waiting_for IS NOT NULL;
        CREATE TABLE attempts (
            delivery_id     text NOT NULL,
            number          integer NOT NULL,
            started_at      text NOT NULL,
            milliseconds    integer NOT NULL,
            succeeded       boolean NOT NULL,
            http_status     integer,
            exit_status     integer,
            error           text,
            response        text NOT NULL,
            PRIMARY KEY (delivery_id, number)
        );
        CREATE TABLE deploys (
            id              bigserial PRIMARY KEY,
            endpoint        text NOT NULL,
            service         text NOT NULL,
            service_name    text,
            environment     text,
            status          text NOT NULL,
            deploy_number   text NOT NULL,
            dedup_id        text UNIQUE,
            deployed_at     text NOT NULL,
            received_at     text NOT NULL,
            updated_at      text NOT NULL,
            revision        bigint NOT NULL,
            payload         text NOT NULL,
            event_id        text
        );
        CREATE INDEX deploys_by_service ON deploys((coalesce(service_name, service)), id);
        CREATE INDEX deploys_by_environment ON deploys(environment, id);
        CREATE TABLE deploy_counters (
            service         text PRIMARY KEY,
            last_number     bigint NOT NULL
        );
        CREATE TABLE suggestions (
            service         text PRIMARY KEY,
            endpoint        text NOT NULL,
            first_seen      text NOT NULL,
            last_seen       text NOT NULL,
            deploys         integer NOT NULL,
            environments    text NOT NULL
        );
        CREATE TABLE webhook_seen (
            endpoint        text NOT NULL,
            message_id      text NOT NULL,
            event_id        text NOT NULL,
            seen_at         bigint NOT NULL,
            PRIMARY KEY (endpoint, message_id)
        );
        CREATE INDEX webhook_seen_by_age ON webhook_seen(seen_at);
        CREATE TABLE store_counters (
            name            text PRIMARY KEY,
            value           bigint NOT NULL
        );
        INSERT INTO store_counters (name, value) VALUES
            ('pruned.events', 0), ('pruned.deliveries', 0), ('pruned.attempts', 0), ('pruned.deploys', 0),
            ('pruned_before.events', 0), ('pruned_before.deploys', 0);
        """,
        // 2: `/metrics` reads deliveries by status and the suggestions from counters, as
        // SQLite's migration 10 does. One row per counter would be a hot row every replica's
        // batch waits on, so each connection adds to one of eight shards of it (by backend
        // pid) and a read sums the shards.
        """
        CREATE TABLE store_counts (
            name        text NOT NULL,
            shard       integer NOT NULL,
            value       bigint NOT NULL,
            PRIMARY KEY (name, shard)
        );
        INSERT INTO store_counts (name, shard, value) SELECT 'deliveries.' || status, 0, count(*) FROM deliveries GROUP BY status;
        INSERT INTO store_counts (name, shard, value) SELECT 'suggestions', 0, count(*) FROM suggestions;
        CREATE FUNCTION reactions_count(counter text, delta bigint) RETURNS void LANGUAGE sql AS $$
            INSERT INTO store_counts (name, shard, value) VALUES (counter, pg_backend_pid() % 8, delta)
            ON CONFLICT (name, shard) DO UPDATE SET value = store_counts.value + excluded.value
        $$;
        CREATE FUNCTION reactions_count_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM reactions_count('deliveries.' || NEW.status, 1);
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM reactions_count('deliveries.' || OLD.status, -1);
            ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
                PERFORM reactions_count('deliveries.' || OLD.status, -1);
                PERFORM reactions_count('deliveries.' || NEW.status, 1);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER deliveries_counted AFTER INSERT OR DELETE OR UPDATE OF status ON deliveries
            FOR EACH ROW EXECUTE FUNCTION reactions_count_deliveries();
        CREATE FUNCTION reactions_count_suggestions() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM reactions_count('suggestions', CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END);
            RETURN NULL;
        END $$;
        CREATE TRIGGER suggestions_counted AFTER INSERT OR DELETE ON suggestions
            FOR EACH ROW EXECUTE FUNCTION reactions_count_suggestions();
        """,
        // 3: keys every replica must share (the one scripts' API tokens are signed with).
        """
        CREATE TABLE reactions_keys (
            name        text PRIMARY KEY,
            key         bytea NOT NULL
        );
        """,
    ]

    /// An arbitrary constant naming the migration lock among the database's advisory locks.
    static let lockKey = 0x7265_6163_7469_6F6E  // "reaction"

    static func migrate(_ db: PGConnection) throws(StoreError) {
        try db.query("SELECT pg_advisory_lock($1)", [.int(lockKey)])
        defer { _ = try? db.query("SELECT pg_advisory_unlock($1)", [.int(lockKey)]) }
        try db.execute("CREATE TABLE IF NOT EXISTS reactions_schema (version integer NOT NULL)")
        let rows = try db.query("SELECT max(version) FROM reactions_schema")
        let current = rows.isNull(0, 0) ? 0 : rows.int(0, 0)
        guard current <= migrations.count else { throw .newerSchema(found: current, supported: migrations.count) }
        for index in current..<migrations.count {
            try db.transaction { () throws(StoreError) in
                try db.execute(migrations[index])
                try db.query("INSERT INTO reactions_schema (version) VALUES ($1)", [.int(index + 1)])
            }
        }
    }
}
