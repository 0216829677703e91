using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IncidentCoordination : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DuplicateOfRecordId",
                table: "Incidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RequesterOrganisationId",
                table: "IncidentJournal",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IncidentObservables",
                columns: table => new
                {
                    IncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    IntelRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedHere = table.Column<bool>(type: "INTEGER", nullable: false),
                    AddedByOrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AddedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AddedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentObservables", x => new { x.IncidentRecordId, x.IntelRecordId });
                    table.ForeignKey(
                        name: "FK_IncidentObservables_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_IncidentObservables_IntelObjects_IntelRecordId",
                        column: x => x.IntelRecordId,
                        principalTable: "IntelObjects",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentTemplates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Tlp = table.Column<int>(type: "INTEGER", nullable: true),
                    Severity = table.Column<int>(type: "INTEGER", nullable: true),
                    Sector = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Classifications = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentTemplates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentTemplates_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "IncidentTemplateTasks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TemplateId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    OwnerOnly = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentTemplateTasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IncidentTemplateTasks_IncidentTemplates_TemplateId",
                        column: x => x.TemplateId,
                        principalTable: "IncidentTemplates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentObservables_IntelRecordId_IncidentRecordId",
                table: "IncidentObservables",
                columns: new[] { "IntelRecordId", "IncidentRecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTemplates_OrganisationId_Name",
                table: "IncidentTemplates",
                columns: new[] { "OrganisationId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentTemplateTasks_TemplateId_Position",
                table: "IncidentTemplateTasks",
                columns: new[] { "TemplateId", "Position" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IncidentObservables");

            migrationBuilder.DropTable(
                name: "IncidentTemplateTasks");

            migrationBuilder.DropTable(
                name: "IncidentTemplates");

            migrationBuilder.DropColumn(
                name: "DuplicateOfRecordId",
                table: "Incidents");

            migrationBuilder.DropColumn(
                name: "RequesterOrganisationId",
                table: "IncidentJournal");
        }
    }
}
