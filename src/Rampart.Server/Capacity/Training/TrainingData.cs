using Microsoft.EntityFrameworkCore;
using Rampart.Server.Capacity.Training;

#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The training tables as properties of <see cref="RampartDb"/>. People (training records) and courses are shareable:
/// read them only in <see cref="TrainingQueries"/> and write them in <see cref="TrainingEditing"/> (ArchitectureTests).
/// </summary>
public static class TrainingData
{
    extension(RampartDb db)
    {
        public DbSet<EcsfFramework> EcsfFrameworks => db.Set<EcsfFramework>();

        public DbSet<EcsfProfile> EcsfProfiles => db.Set<EcsfProfile>();

        public DbSet<EcsfItem> EcsfItems => db.Set<EcsfItem>();

        public DbSet<EcsfProfileItem> EcsfProfileItems => db.Set<EcsfProfileItem>();

        public DbSet<TrainingPerson> TrainingPeople => db.Set<TrainingPerson>();

        public DbSet<TrainingPersonProfile> TrainingPersonProfiles => db.Set<TrainingPersonProfile>();

        public DbSet<TrainingProficiency> TrainingProficiencies => db.Set<TrainingProficiency>();

        public DbSet<TrainingCourse> TrainingCourses => db.Set<TrainingCourse>();

        public DbSet<TrainingCourseItem> TrainingCourseItems => db.Set<TrainingCourseItem>();

        public DbSet<TrainingCourseProfile> TrainingCourseProfiles => db.Set<TrainingCourseProfile>();

        public DbSet<TrainingSession> TrainingSessions => db.Set<TrainingSession>();

        public DbSet<TrainingEnrolment> TrainingEnrolments => db.Set<TrainingEnrolment>();

        public DbSet<TrainingCertificate> TrainingCertificates => db.Set<TrainingCertificate>();

        public DbSet<TrainingCourseParameter> TrainingCourseParameters => db.Set<TrainingCourseParameter>();

        public DbSet<TrainingCourseTopic> TrainingCourseTopics => db.Set<TrainingCourseTopic>();

        public DbSet<TrainingNeed> TrainingNeeds => db.Set<TrainingNeed>();
    }
}
