using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
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
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RequesterOrganisationId",
                table: "IncidentJournal",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IncidentObservables",
                columns: table => new
                {
                    IncidentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    IntelRecordId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedHere = table.Column<bool>(type: "boolean", nullable: false),
                    AddedByOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    AddedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Tlp = table.Column<int>(type: "integer", nullable: true),
                    Severity = table.Column<int>(type: "integer", nullable: true),
                    Sector = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Classifications = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TemplateId = table.Column<Guid>(type: "uuid", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Description = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    OwnerOnly = table.Column<bool>(type: "boolean", nullable: false)
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
