using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PeerIncidentsOnBoard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AwareAt",
                table: "PeerIncidents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sector",
                table: "PeerIncidents",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PeerIncidentDeadlines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PeerIncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TaskId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Duty = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeerIncidentDeadlines", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PeerIncidentDeadlines_PeerIncidents_PeerIncidentRecordId",
                        column: x => x.PeerIncidentRecordId,
                        principalTable: "PeerIncidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PeerIncidentFacets",
                columns: table => new
                {
                    PeerIncidentRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeerIncidentFacets", x => new { x.PeerIncidentRecordId, x.Kind, x.Value });
                    table.ForeignKey(
                        name: "FK_PeerIncidentFacets_PeerIncidents_PeerIncidentRecordId",
                        column: x => x.PeerIncidentRecordId,
                        principalTable: "PeerIncidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidentDeadlines_OrganisationId_DueAt_Id",
                table: "PeerIncidentDeadlines",
                columns: new[] { "OrganisationId", "DueAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidentDeadlines_PeerIncidentRecordId",
                table: "PeerIncidentDeadlines",
                column: "PeerIncidentRecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PeerIncidentDeadlines");

            migrationBuilder.DropTable(
                name: "PeerIncidentFacets");

            migrationBuilder.DropColumn(
                name: "AwareAt",
                table: "PeerIncidents");

            migrationBuilder.DropColumn(
                name: "Sector",
                table: "PeerIncidents");
        }
    }
}
