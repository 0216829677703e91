using Microsoft.EntityFrameworkCore;
using Rampart.Server.Intelligence.CsvMappings;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The saved CSV mappings as a property of <see cref="RampartDb"/>.</summary>
public static class CsvMappingData
{
    extension(RampartDb db)
    {
        public DbSet<IntelCsvMapping> IntelCsvMappings => db.Set<IntelCsvMapping>();
    }
}
