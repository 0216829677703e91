using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class FederationSync : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FederationInboxReplays",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "uuid", nullable: false),
                    EnvelopeId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FederationInboxReplays", x => new { x.PeerId, x.EnvelopeId });
                });

            migrationBuilder.CreateTable(
                name: "FederationPeerSyncs",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Cursor = table.Column<long>(type: "bigint", nullable: false),
                    Sent = table.Column<long>(type: "bigint", nullable: false),
                    Acknowledged = table.Column<long>(type: "bigint", nullable: false),
                    Refused = table.Column<long>(type: "bigint", nullable: false),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LastAcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FederationPeerSyncs", x => x.PeerId);
                    table.ForeignKey(
                        name: "FK_FederationPeerSyncs_FederationPeers_PeerId",
                        column: x => x.PeerId,
                        principalTable: "FederationPeers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FederationReceived",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Modified = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PeerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Provenance = table.Column<string>(type: "character varying(65536)", maxLength: 65536, nullable: false),
                    ObjectJson = table.Column<string>(type: "text", nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FederationReceived", x => new { x.RecordId, x.Modified });
                    table.ForeignKey(
                        name: "FK_FederationReceived_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FederationSent",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Modified = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Audience = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Removed = table.Column<bool>(type: "boolean", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FederationSent", x => new { x.PeerId, x.RecordId });
                    table.ForeignKey(
                        name: "FK_FederationSent_FederationPeers_PeerId",
                        column: x => x.PeerId,
                        principalTable: "FederationPeers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FederationInboxReplays_ReceivedAt",
                table: "FederationInboxReplays",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_FederationReceived_PeerId",
                table: "FederationReceived",
                column: "PeerId");

            migrationBuilder.CreateIndex(
                name: "IX_FederationSent_RecordId",
                table: "FederationSent",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FederationInboxReplays");

            migrationBuilder.DropTable(
                name: "FederationPeerSyncs");

            migrationBuilder.DropTable(
                name: "FederationReceived");

            migrationBuilder.DropTable(
                name: "FederationSent");
        }
    }
}
