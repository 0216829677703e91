using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PeerIncidents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IncidentPeerCommandsApplied",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "uuid", nullable: false),
                    CommandId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    AppliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentPeerCommandsApplied", x => new { x.PeerId, x.CommandId });
                });

            migrationBuilder.CreateTable(
                name: "IncidentPeerSent",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "uuid", nullable: false),
                    IncidentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Stamp = table.Column<long>(type: "bigint", nullable: false),
                    ViewHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    JournalSent = table.Column<long>(type: "bigint", nullable: false),
                    Ended = table.Column<bool>(type: "boolean", nullable: false),
                    Identity = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AcceptedInvitationAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Refusals = table.Column<int>(type: "integer", nullable: false),
                    RetryAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastRefusal = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IncidentPeerSent", x => new { x.PeerId, x.IncidentRecordId, x.OrganisationId });
                    table.ForeignKey(
                        name: "FK_IncidentPeerSent_Incidents_IncidentRecordId",
                        column: x => x.IncidentRecordId,
                        principalTable: "Incidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PeerIncidents",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PeerId = table.Column<Guid>(type: "uuid", nullable: false),
                    OriginIncidentId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: true),
                    Severity = table.Column<int>(type: "integer", nullable: true),
                    ViewJson = table.Column<string>(type: "text", nullable: false),
                    JournalPosition = table.Column<long>(type: "bigint", nullable: false),
                    InvitedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeerIncidents", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_PeerIncidents_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PeerIncidentCommands",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PeerIncidentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeerIncidentCommands", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PeerIncidentCommands_PeerIncidents_PeerIncidentRecordId",
                        column: x => x.PeerIncidentRecordId,
                        principalTable: "PeerIncidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PeerIncidentJournal",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PeerIncidentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    OriginEntryId = table.Column<Guid>(type: "uuid", nullable: false),
                    OriginPosition = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeerIncidentJournal", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PeerIncidentJournal_PeerIncidents_PeerIncidentRecordId",
                        column: x => x.PeerIncidentRecordId,
                        principalTable: "PeerIncidents",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentPeerSent_IncidentRecordId",
                table: "IncidentPeerSent",
                column: "IncidentRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidentCommands_PeerIncidentRecordId_Id",
                table: "PeerIncidentCommands",
                columns: new[] { "PeerIncidentRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidentCommands_State_Id",
                table: "PeerIncidentCommands",
                columns: new[] { "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidentJournal_PeerIncidentRecordId_OriginEntryId",
                table: "PeerIncidentJournal",
                columns: new[] { "PeerIncidentRecordId", "OriginEntryId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidentJournal_PeerIncidentRecordId_OriginPosition",
                table: "PeerIncidentJournal",
                columns: new[] { "PeerIncidentRecordId", "OriginPosition" });

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidents_Id",
                table: "PeerIncidents",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidents_OrganisationId_State_RecordId",
                table: "PeerIncidents",
                columns: new[] { "OrganisationId", "State", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidents_PeerId_OriginIncidentId_OrganisationId",
                table: "PeerIncidents",
                columns: new[] { "PeerId", "OriginIncidentId", "OrganisationId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IncidentPeerCommandsApplied");

            migrationBuilder.DropTable(
                name: "IncidentPeerSent");

            migrationBuilder.DropTable(
                name: "PeerIncidentCommands");

            migrationBuilder.DropTable(
                name: "PeerIncidentJournal");

            migrationBuilder.DropTable(
                name: "PeerIncidents");
        }
    }
}
