using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// Counts the SQL commands EF Core runs in this process, per database (the connection's data source and database) and per
/// statement text, through EF Core's diagnostic events: the sync mode prints round trips per object and the most frequent
/// statements (the N+1 finder of bench/README.md, "node-to-node sync").
/// </summary>
internal sealed class SqlCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly ConcurrentDictionary<string, long> byDatabase = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> byText = new(StringComparer.Ordinal);

    public bool Enabled { get; set; }

    public static SqlCounter Start()
    {
        var counter = new SqlCounter();
        DiagnosticListener.AllListeners.Subscribe(counter);
        return counter;
    }

    public void Reset()
    {
        byDatabase.Clear();
        byText.Clear();
    }

    public IReadOnlyDictionary<string, long> ByDatabase => byDatabase;

    public IEnumerable<KeyValuePair<string, long>> Top(int n) => byText.OrderByDescending(x => x.Value).Take(n);

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            value.Subscribe(this);
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (!Enabled || value.Key != RelationalEventId.CommandExecuted.Name || value.Value is not CommandExecutedEventData data)
        {
            return;
        }

        var connection = data.Command.Connection;
        var database = $"{connection?.DataSource}/{connection?.Database}";
        byDatabase.AddOrUpdate(database, 1, (_, n) => n + 1);
        var text = data.Command.CommandText;
        byText.AddOrUpdate($"[{database}] {(text.Length > 220 ? text[..220] : text)}", 1, (_, n) => n + 1);
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}
