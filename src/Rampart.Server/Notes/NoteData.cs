using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Notes;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The notes table as a property of <see cref="RampartDb"/>; read it only through <see cref="AccessPolicy"/>.</summary>
public static class NoteData
{
    extension(RampartDb db)
    {
        public DbSet<Note> Notes => db.Set<Note>();
    }
}
