using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using NpgsqlTypes;
using Rampart.Server.Data;

namespace Rampart.Server.Intelligence.Store;

/// <summary>The database type of a column written by <see cref="BulkRows"/>.</summary>
internal enum BulkType
{
    Int16,
    Int32,
    Int64,
    Double,
    Bool,
    Text,
    Guid,
    Time,
}

/// <summary>
/// Appends rows to one table inside the context's current transaction, in the representation EF Core uses for
/// the same columns (SQLite: GUIDs as upper-case text, times through <see cref="DateTimeOffsetToBinaryConverter"/>).
/// PostgreSQL: one binary <c>COPY … FROM STDIN</c> per table and batch, streamed. SQLite: the rows as one JSON
/// array parameter and one <c>INSERT … SELECT … FROM json_each(@rows)</c>: one statement per table and batch
/// (search terms alone are ~64 rows per indicator; bench/README.md, "Ingest of STIX indicators").
/// Values are given column by column, in the order of the column list.
/// </summary>
internal abstract class BulkRows : IAsyncDisposable
{
    private static readonly Func<DateTimeOffset, long> SqliteTime = new DateTimeOffsetToBinaryConverter().ConvertToProviderTyped;

    public static async Task<BulkRows> StartAsync(RampartDb db, string table, IReadOnlyList<(string Name, BulkType Type)> columns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(columns);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Bulk rows are written inside the batch's transaction.");
        var names = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        if (connection is NpgsqlConnection npgsql)
        {
            var importer = await npgsql.BeginBinaryImportAsync($"COPY \"{table}\" ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            return new PostgresRows(importer, columns);
        }

        // SQLite: the rows travel as one JSON array parameter and one INSERT … SELECT FROM json_each inserts them all.
        var extract = string.Join(", ", columns.Select((_, i) => "json_extract(\"value\", '$[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]')"));
        return new SqliteJsonRows((SqliteConnection)connection, (SqliteTransaction)transaction, $"INSERT INTO \"{table}\" ({names}) SELECT {extract} FROM json_each(@rows)");
    }

    /// <summary>
    /// SQLite only: one prepared statement with parameters <c>@p0</c>…<c>@p{n-1}</c>, run once per row by
    /// <see cref="EndRowAsync"/> in the context's current transaction (updates of many rows, in-process).
    /// </summary>
    public static async Task<BulkRows> StatementAsync(RampartDb db, string sql, int parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var command = (SqliteCommand)db.Database.GetDbConnection().CreateCommand();
        command.Transaction = (SqliteTransaction)(db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Bulk rows are written inside the batch's transaction."));
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), null));
        }

        await command.PrepareAsync(cancellationToken);
        return new SqliteRows(command);
    }

    /// <summary>Rows written so far.</summary>
    public int Count { get; protected set; }

    public abstract ValueTask StartRowAsync(CancellationToken cancellationToken);

    public abstract ValueTask Int16Async(short value, CancellationToken cancellationToken);

    public abstract ValueTask Int32Async(int? value, CancellationToken cancellationToken);

    public abstract ValueTask Int64Async(long value, CancellationToken cancellationToken);

    public abstract ValueTask DoubleAsync(double? value, CancellationToken cancellationToken);

    public abstract ValueTask BoolAsync(bool value, CancellationToken cancellationToken);

    public abstract ValueTask TextAsync(string? value, CancellationToken cancellationToken);

    public abstract ValueTask GuidAsync(Guid? value, CancellationToken cancellationToken);

    public abstract ValueTask TimeAsync(DateTimeOffset? value, CancellationToken cancellationToken);

    /// <summary>Ends the row (SQLite: runs the prepared statement).</summary>
    public abstract ValueTask EndRowAsync(CancellationToken cancellationToken);

    /// <summary>Ends the table's rows (PostgreSQL: completes the COPY; until then nothing is in the table).</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    private sealed class PostgresRows(NpgsqlBinaryImporter importer, IReadOnlyList<(string Name, BulkType Type)> columns) : BulkRows
    {
        private int column;

        public override async ValueTask StartRowAsync(CancellationToken cancellationToken)
        {
            column = 0;
            await importer.StartRowAsync(cancellationToken);
        }

        private void Next(BulkType type)
        {
            Debug.Assert(columns[column].Type == type, $"Column {columns[column].Name} is {columns[column].Type}, written as {type}.");
            column++;
        }

        public override async ValueTask Int16Async(short value, CancellationToken cancellationToken)
        {
            Next(BulkType.Int16);
            await importer.WriteAsync(value, NpgsqlDbType.Smallint, cancellationToken);
        }

        public override async ValueTask Int32Async(int? value, CancellationToken cancellationToken)
        {
            Next(BulkType.Int32);
            if (value is { } v)
            {
                await importer.WriteAsync(v, NpgsqlDbType.Integer, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
        }

        public override async ValueTask Int64Async(long value, CancellationToken cancellationToken)
        {
            Next(BulkType.Int64);
            await importer.WriteAsync(value, NpgsqlDbType.Bigint, cancellationToken);
        }

        public override async ValueTask DoubleAsync(double? value, CancellationToken cancellationToken)
        {
            Next(BulkType.Double);
            if (value is { } v)
            {
                await importer.WriteAsync(v, NpgsqlDbType.Double, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
        }

        public override async ValueTask BoolAsync(bool value, CancellationToken cancellationToken)
        {
            Next(BulkType.Bool);
            await importer.WriteAsync(value, NpgsqlDbType.Boolean, cancellationToken);
        }

        public override async ValueTask TextAsync(string? value, CancellationToken cancellationToken)
        {
            Next(BulkType.Text);
            if (value is null)
            {
                await importer.WriteNullAsync(cancellationToken);
            }
            else
            {
                await importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
            }
        }

        public override async ValueTask GuidAsync(Guid? value, CancellationToken cancellationToken)
        {
            Next(BulkType.Guid);
            if (value is { } v)
            {
                await importer.WriteAsync(v, NpgsqlDbType.Uuid, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
        }

        public override async ValueTask TimeAsync(DateTimeOffset? value, CancellationToken cancellationToken)
        {
            Next(BulkType.Time);
            if (value is { } v)
            {
                // timestamptz takes UTC only (the offset is not stored; EF Core's mapping writes UTC too).
                await importer.WriteAsync(v.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            }
            else
            {
                await importer.WriteNullAsync(cancellationToken);
            }
        }

        public override ValueTask EndRowAsync(CancellationToken cancellationToken)
        {
            Debug.Assert(column == columns.Count, "Every column of the row is written.");
            Count++;
            return ValueTask.CompletedTask;
        }

        public override async ValueTask CompleteAsync(CancellationToken cancellationToken) => await importer.CompleteAsync(cancellationToken);

        public override async ValueTask DisposeAsync() => await importer.DisposeAsync();
    }

    /// <summary>SQLite appends: rows gathered as a JSON array of arrays (values in EF Core's SQLite representation), one statement.</summary>
    private sealed class SqliteJsonRows(SqliteConnection connection, SqliteTransaction transaction, string sql) : BulkRows
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> buffer = new(1 << 16);
        private System.Text.Json.Utf8JsonWriter? writer;

        private System.Text.Json.Utf8JsonWriter Writer => writer ??= Start();

        private System.Text.Json.Utf8JsonWriter Start()
        {
            var w = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { SkipValidation = true });
            w.WriteStartArray();
            return w;
        }

        public override ValueTask StartRowAsync(CancellationToken cancellationToken)
        {
            Writer.WriteStartArray();
            return ValueTask.CompletedTask;
        }

        private static ValueTask Done() => ValueTask.CompletedTask;

        private ValueTask Null()
        {
            Writer.WriteNullValue();
            return ValueTask.CompletedTask;
        }

        public override ValueTask Int16Async(short value, CancellationToken cancellationToken)
        {
            Writer.WriteNumberValue(value);
            return Done();
        }

        public override ValueTask Int32Async(int? value, CancellationToken cancellationToken)
        {
            if (value is not { } v)
            {
                return Null();
            }

            Writer.WriteNumberValue(v);
            return Done();
        }

        public override ValueTask Int64Async(long value, CancellationToken cancellationToken)
        {
            Writer.WriteNumberValue(value);
            return Done();
        }

        public override ValueTask DoubleAsync(double? value, CancellationToken cancellationToken)
        {
            if (value is not { } v)
            {
                return Null();
            }

            Writer.WriteNumberValue(v);
            return Done();
        }

        public override ValueTask BoolAsync(bool value, CancellationToken cancellationToken)
        {
            Writer.WriteNumberValue(value ? 1 : 0);
            return Done();
        }

        public override ValueTask TextAsync(string? value, CancellationToken cancellationToken)
        {
            if (value is null)
            {
                return Null();
            }

            Writer.WriteStringValue(value);
            return Done();
        }

        // EF Core's SQLite mapping of Guid: upper-case "D" text.
        public override ValueTask GuidAsync(Guid? value, CancellationToken cancellationToken)
        {
            if (value is not { } v)
            {
                return Null();
            }

            Span<char> text = stackalloc char[36];
            v.TryFormat(text, out _, "D");
            for (var i = 0; i < text.Length; i++)
            {
                text[i] = char.ToUpperInvariant(text[i]);
            }

            Writer.WriteStringValue(text);
            return Done();
        }

        public override ValueTask TimeAsync(DateTimeOffset? value, CancellationToken cancellationToken)
        {
            if (value is not { } v)
            {
                return Null();
            }

            Writer.WriteNumberValue(SqliteTime(v));
            return Done();
        }

        public override ValueTask EndRowAsync(CancellationToken cancellationToken)
        {
            Writer.WriteEndArray();
            Count++;
            return ValueTask.CompletedTask;
        }

        public override async ValueTask CompleteAsync(CancellationToken cancellationToken)
        {
            if (Count == 0)
            {
                return;
            }

            Writer.WriteEndArray();
            await Writer.FlushAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            command.Parameters.Add(new SqliteParameter("@rows", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan)));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        public override async ValueTask DisposeAsync()
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
    }

    /// <summary>SQLite statements run once per row (updates): one prepared command, its parameters set per row.</summary>
    private sealed class SqliteRows(SqliteCommand command) : BulkRows
    {
        private readonly DbParameter[] parameters = command.Parameters.Cast<DbParameter>().ToArray();
        private int column;

        public override ValueTask StartRowAsync(CancellationToken cancellationToken)
        {
            column = 0;
            return ValueTask.CompletedTask;
        }

        private ValueTask Set(object? value)
        {
            parameters[column++].Value = value ?? DBNull.Value;
            return ValueTask.CompletedTask;
        }

        public override ValueTask Int16Async(short value, CancellationToken cancellationToken) => Set((long)value);

        public override ValueTask Int32Async(int? value, CancellationToken cancellationToken) => Set(value is { } v ? (long)v : null);

        public override ValueTask Int64Async(long value, CancellationToken cancellationToken) => Set(value);

        public override ValueTask DoubleAsync(double? value, CancellationToken cancellationToken) => Set(value);

        public override ValueTask BoolAsync(bool value, CancellationToken cancellationToken) => Set(value ? 1L : 0L);

        public override ValueTask TextAsync(string? value, CancellationToken cancellationToken) => Set(value);

        // EF Core's SQLite mapping of Guid: upper-case "D" text.
        public override ValueTask GuidAsync(Guid? value, CancellationToken cancellationToken) => Set(value?.ToString("D").ToUpperInvariant());

        public override ValueTask TimeAsync(DateTimeOffset? value, CancellationToken cancellationToken) => Set(value is { } v ? SqliteTime(v) : null);

        public override async ValueTask EndRowAsync(CancellationToken cancellationToken)
        {
            Debug.Assert(column == parameters.Length, "Every column of the row is written.");
            await command.ExecuteNonQueryAsync(cancellationToken);
            Count++;
        }

        public override ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public override async ValueTask DisposeAsync() => await command.DisposeAsync();
    }
}

/// <summary>
/// Optional per-phase stopwatch of the intelligence write path (registered by the ingest bench, absent in the
/// node): where a batch's time goes, summed over a run — wall clock, and the process's CPU time over the same
/// intervals (on a shared machine the wall clock mostly measures waiting for a core; CPU time does not).
/// </summary>
public sealed class IngestPhases
{
    private readonly Lock gate = new();
    private readonly List<string> order = [];
    private readonly Dictionary<string, (long Ticks, TimeSpan Cpu)> sums = new(StringComparer.Ordinal);
    private TimeSpan cpuMark = Environment.CpuUsage.TotalTime;

    /// <summary>Adds the time since <paramref name="mark"/> (and the CPU since the previous lap) to <paramref name="phase"/>; moves both marks to now.</summary>
    public void Lap(string phase, ref long mark)
    {
        var now = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        lock (gate)
        {
            if (!sums.TryGetValue(phase, out var sum))
            {
                order.Add(phase);
            }

            sums[phase] = (sum.Ticks + (now - mark), sum.Cpu + (cpu - cpuMark));
            cpuMark = cpu;
        }

        mark = now;
    }

    /// <summary>Starts CPU accounting from now (call when a measured run starts; laps then cover contiguous intervals).</summary>
    public void Reset()
    {
        lock (gate)
        {
            order.Clear();
            sums.Clear();
            cpuMark = Environment.CpuUsage.TotalTime;
        }
    }

    public IReadOnlyList<(string Phase, TimeSpan Time, TimeSpan Cpu)> Snapshot()
    {
        lock (gate)
        {
            return order.Select(p => (p, Stopwatch.GetElapsedTime(0, sums[p].Ticks), sums[p].Cpu)).ToList();
        }
    }
}
