using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CapacityCourseTopicsAndProjectSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TrainingCourseTopics",
                columns: table => new
                {
                    CourseRecordId = table.Column<long>(type: "bigint", nullable: false),
                    Topic = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCourseTopics", x => new { x.CourseRecordId, x.Topic });
                    table.ForeignKey(
                        name: "FK_TrainingCourseTopics_TrainingCourses_CourseRecordId",
                        column: x => x.CourseRecordId,
                        principalTable: "TrainingCourses",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingSessions_ProjectId_StartDate_Id",
                table: "TrainingSessions",
                columns: new[] { "ProjectId", "StartDate", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourseTopics_Topic_CourseRecordId",
                table: "TrainingCourseTopics",
                columns: new[] { "Topic", "CourseRecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TrainingCourseTopics");

            migrationBuilder.DropIndex(
                name: "IX_TrainingSessions_ProjectId_StartDate_Id",
                table: "TrainingSessions");
        }
    }
}
