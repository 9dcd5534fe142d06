using Marten;
using Npgsql;
using NpgsqlTypes;
using PlanLedger.Infrastructure;
using PlanLedger.Ledger;
using Weasel.Postgresql;
using Weasel.Postgresql.Functions;

namespace PlanLedger.Actions;

/// <summary>
/// Records changes to many existing actions in one statement: every stream's version checked and moved, every event
/// inserted, every action's current state stored, as Marten's quick append and the inline <see cref="ActionProjection"/>
/// would record them one stream at a time. A return of 50 changes through Marten is 50 calls of its append function
/// (each reading its stream twice and updating it) and 50 upserts; set-based, PostgreSQL does a fraction of that work.
/// </summary>
public static class ActionAppends
{
    public const string FunctionName = "pl_append_action_changes";

    /// <summary>An action the write changes: the version it was read at, its new events and the state they leave it in.</summary>
    public sealed record Change(string Stream, int ReadAt, IReadOnlyList<ILedgerEvent> Events, ActionRecord State);

    public static void Register(StoreOptions store)
    {
        var schema = store.DatabaseSchemaName;
        var events = store.Events.DatabaseSchemaName;
        store.Storage.ExtendedSchemaObjects.Add(new Function(new PostgresqlObjectName(schema, FunctionName, SchemaUtils.IdentifierUsage.Function), $$"""
            CREATE OR REPLACE FUNCTION {{schema}}.{{FunctionName}}(tenantid varchar, streams varchar[], read_at bigint[], versions bigint[],
                event_ids uuid[], event_streams varchar[], event_versions bigint[], event_types varchar[], dotnet_types varchar[], bodies jsonb[],
                states jsonb[], plans varchar[], state_type varchar, notify boolean) RETURNS bigint[] LANGUAGE plpgsql AS $function$
            DECLARE
                moved int;
                positions bigint[];
            BEGIN
                -- Locked in group commit's order (ordinal, whatever the database's collation), so a return and a batch over
                -- the same actions queue instead of deadlocking; NO KEY UPDATE is the lock the update takes anyway.
                PERFORM 1 FROM {{events}}.mt_streams WHERE tenant_id = tenantid AND id = ANY(streams) ORDER BY id COLLATE "C" FOR NO KEY UPDATE;
                UPDATE {{events}}.mt_streams s SET version = u.version, timestamp = now()
                    FROM unnest(streams, read_at, versions) AS u(id, read_at, version)
                    WHERE s.tenant_id = tenantid AND s.id = u.id AND s.version = u.read_at AND NOT coalesce(s.is_archived, false);
                GET DIAGNOSTICS moved = ROW_COUNT;
                IF moved <> cardinality(streams) THEN
                    RAISE EXCEPTION 'A stream is not at the version it was read at' USING ERRCODE = '{{LedgerWrites.StreamMoved}}';
                END IF;
                WITH appended AS (
                    INSERT INTO {{events}}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived)
                    SELECT nextval('{{events}}.mt_events_sequence'), e.id, e.stream, e.version, e.body, e.type, tenantid, (now() at time zone 'utc'), e.dotnet, false
                    FROM unnest(event_ids, event_streams, event_versions, event_types, dotnet_types, bodies) AS e(id, stream, version, type, dotnet, body)
                    RETURNING seq_id)
                SELECT array_agg(seq_id ORDER BY seq_id) INTO positions FROM appended;
                INSERT INTO {{schema}}.mt_doc_actionrecord (tenant_id, id, data, mt_version, mt_dotnet_type, mt_last_modified, plan)
                    SELECT tenantid, d.id, d.state, d.version, state_type, transaction_timestamp(), d.plan
                    FROM unnest(streams, states, versions, plans) AS d(id, state, version, plan)
                    ON CONFLICT (tenant_id, id) DO UPDATE SET data = excluded.data, mt_version = excluded.mt_version,
                        mt_dotnet_type = excluded.mt_dotnet_type, mt_last_modified = excluded.mt_last_modified, plan = excluded.plan;
                IF notify THEN PERFORM pg_notify('mt_events_appended', ''); END IF;
                RETURN positions;
            END;
            $function$;
            """));
    }

    /// <summary>
    /// Appends the changes inside the write's own transaction and answers the ledger positions given to their events.
    /// A stream that moved since it was read fails the whole statement (<see cref="LedgerWrites.StreamMoved"/>), so nothing is recorded.
    /// </summary>
    public static async Task<long[]> AppendAsync(IDocumentSession session, NpgsqlTransaction transaction, IReadOnlyList<Change> changes, CancellationToken token)
    {
        var options = (StoreOptions)session.DocumentStore.Options;
        var mappings = (Marten.Events.EventGraph)options.Events;
        var serializer = options.Serializer();
        if (changes.FirstOrDefault(c => c.State.Version != c.ReadAt + c.Events.Count) is { } wrong)
            throw new InvalidOperationException($"'{wrong.Stream}' read at {wrong.ReadAt} with {wrong.Events.Count} events cannot stand at version {wrong.State.Version}.");
        var appended = changes.SelectMany(c => c.Events.Select((e, i) =>
            (c.Stream, Version: (long)c.ReadAt + i + 1, Event: e, Mapping: mappings.EventMappingFor(e.GetType())))).ToList();

        await using var command = new NpgsqlCommand(
            $"select {options.DatabaseSchemaName}.{FunctionName}(@tenant, @streams, @readAt, @versions, @ids, @eventStreams, @eventVersions, @types, @dotnetTypes, @bodies, @states, @plans, @stateType, @notify)",
            transaction.Connection, transaction);
        var parameters = command.Parameters;
        parameters.AddWithValue("tenant", NpgsqlDbType.Varchar, session.TenantId);
        parameters.AddWithValue("streams", NpgsqlDbType.Array | NpgsqlDbType.Varchar, changes.Select(c => c.Stream).ToArray());
        parameters.AddWithValue("readAt", NpgsqlDbType.Array | NpgsqlDbType.Bigint, changes.Select(c => (long)c.ReadAt).ToArray());
        parameters.AddWithValue("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint, changes.Select(c => (long)c.State.Version).ToArray());
        parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, appended.Select(_ => Guid.CreateVersion7()).ToArray());
        parameters.AddWithValue("eventStreams", NpgsqlDbType.Array | NpgsqlDbType.Varchar, appended.Select(a => a.Stream).ToArray());
        parameters.AddWithValue("eventVersions", NpgsqlDbType.Array | NpgsqlDbType.Bigint, appended.Select(a => a.Version).ToArray());
        parameters.AddWithValue("types", NpgsqlDbType.Array | NpgsqlDbType.Varchar, appended.Select(a => a.Mapping.EventTypeName).ToArray());
        parameters.AddWithValue("dotnetTypes", NpgsqlDbType.Array | NpgsqlDbType.Varchar, appended.Select(a => a.Mapping.DotNetTypeName).ToArray());
        parameters.AddWithValue("bodies", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, appended.Select(a => serializer.ToJson(a.Event)).ToArray());
        parameters.AddWithValue("states", NpgsqlDbType.Array | NpgsqlDbType.Jsonb, changes.Select(c => serializer.ToJson(c.State)).ToArray());
        parameters.AddWithValue("plans", NpgsqlDbType.Array | NpgsqlDbType.Varchar, changes.Select(c => c.State.Plan).ToArray());
        parameters.AddWithValue("stateType", NpgsqlDbType.Varchar, typeof(ActionRecord).FullName!);
        parameters.AddWithValue("notify", NpgsqlDbType.Boolean, mappings.UseListenNotifyForEventAppends);
        return (long[])(await command.ExecuteScalarAsync(token))!;
    }
}
