using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PeerIncidentsOnBoard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AwareAt",
                table: "PeerIncidents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Sector",
                table: "PeerIncidents",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PeerIncidentDeadlines",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PeerIncidentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TaskId = table.Column<Guid>(type: "uuid", nullable: false),
                    Label = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Duty = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    PeerIncidentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Value = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false)
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
