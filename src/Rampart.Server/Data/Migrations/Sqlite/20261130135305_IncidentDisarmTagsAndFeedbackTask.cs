using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IncidentDisarmTagsAndFeedbackTask : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Duty",
                table: "IncidentTasks",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IncidentTechniques",
                columns: table => new
                {
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    TechniqueId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentTechniques", x => new { x.IncidentRecordId, x.TechniqueId });
                    table.ForeignKey(
                        name: "FK_IncidentTechniques_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTechniques_TechniqueId_IncidentRecordId",
                table: "IncidentTechniques",
                columns: new[] { "TechniqueId", "IncidentRecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IncidentTechniques");

            migrationBuilder.DropColumn(
                name: "Duty",
                table: "IncidentTasks");
        }
    }
}
