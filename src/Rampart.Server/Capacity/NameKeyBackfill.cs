using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Capacity;

/// <summary>
/// Start-up step after the PickerNameKeys migration, which adds <c>TrainingPerson.NameKey</c> and
/// <c>MaturityProfile.NameKey</c> empty: fills the key of rows saved before it, computed in .NET as on every write
/// (neither database folds case and removes diacritics as <see cref="SearchKeys.Of"/> does). Batches of 500 rows, each in
/// one transaction; a row is changed only while its key is still empty and its name is the one the key was computed from,
/// so a rename on another app server at the same moment keeps its own key. Interrupted, the next start goes on; later
/// starts find nothing to do (one lookup on the empty key).
/// </summary>
public static class NameKeyBackfill
{
    /// <summary>Rows are read and filled this many at a time.</summary>
    public const int Batch = 500;

    /// <summary>A row whose key is still empty, with the name its key is computed from.</summary>
    public sealed record Row(long RecordId, string Name);

    /// <summary>
    /// Fills keys batch by batch: <paramref name="next"/> reads the next rows (key empty, record id above the argument, in
    /// record-id order, at most <see cref="Batch"/>); <paramref name="fill"/> sets one row's key where its key is still empty
    /// and its name unchanged. The use cases that own the tables name them (the access rules keep shareable sets there).
    /// </summary>
    public static async Task FillAsync(Func<long, Task<List<Row>>> next, Func<Row, string, Task<int>> fill, int maxLength, RampartDb db,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(fill);
        ArgumentNullException.ThrowIfNull(db);
        var after = long.MinValue;
        while (true)
        {
            var rows = await next(after);
            if (rows.Count == 0)
            {
                return;
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                foreach (var row in rows)
                {
                    // A name without letters or digits has an empty key: it stays empty (nothing for a picker to match).
                    if (SearchKeys.Of(row.Name, maxLength) is { Length: > 0 } key)
                    {
                        await fill(row, key);
                    }
                }

                await transaction.CommitAsync(cancellationToken);
            }

            if (rows.Count < Batch)
            {
                return;
            }

            after = rows[^1].RecordId;
        }
    }
}
