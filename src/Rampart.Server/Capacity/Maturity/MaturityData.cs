using Microsoft.EntityFrameworkCore;
using Rampart.Server.Capacity.Maturity;

#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The maturity tables as properties of <see cref="RampartDb"/>. Assessments and profiles are shareable: read them
/// only in <see cref="MaturityQueries"/> and write them in <see cref="MaturityEditing"/> (ArchitectureTests).
/// </summary>
public static class MaturityData
{
    extension(RampartDb db)
    {
        public DbSet<MaturityModelVersion> MaturityModelVersions => db.Set<MaturityModelVersion>();

        public DbSet<MaturityParameter> MaturityParameters => db.Set<MaturityParameter>();

        public DbSet<MaturityParameterText> MaturityParameterTexts => db.Set<MaturityParameterText>();

        public DbSet<MaturityAssessment> MaturityAssessments => db.Set<MaturityAssessment>();

        public DbSet<MaturityRating> MaturityRatings => db.Set<MaturityRating>();

        public DbSet<MaturityEvidenceFile> MaturityEvidenceFiles => db.Set<MaturityEvidenceFile>();

        public DbSet<MaturityProfile> MaturityProfiles => db.Set<MaturityProfile>();

        public DbSet<MaturityProfileLevel> MaturityProfileLevels => db.Set<MaturityProfileLevel>();

        public DbSet<MaturityComparisonOptIn> MaturityComparisonOptIns => db.Set<MaturityComparisonOptIn>();
    }
}
