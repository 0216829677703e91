using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class IndexCourseProfilesByProfile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourseProfiles_ProfileId_CourseRecordId",
                table: "TrainingCourseProfiles",
                columns: new[] { "ProfileId", "CourseRecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TrainingCourseProfiles_ProfileId_CourseRecordId",
                table: "TrainingCourseProfiles");
        }
    }
}
