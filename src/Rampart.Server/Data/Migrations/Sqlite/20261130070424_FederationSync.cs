using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
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
                    PeerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    EnvelopeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FederationInboxReplays", x => new { x.PeerId, x.EnvelopeId });
                });

            migrationBuilder.CreateTable(
                name: "FederationPeerSyncs",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Cursor = table.Column<long>(type: "INTEGER", nullable: false),
                    Sent = table.Column<long>(type: "INTEGER", nullable: false),
                    Acknowledged = table.Column<long>(type: "INTEGER", nullable: false),
                    Refused = table.Column<long>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastAcknowledgedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Modified = table.Column<long>(type: "INTEGER", nullable: false),
                    PeerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Provenance = table.Column<string>(type: "TEXT", maxLength: 65536, nullable: false),
                    ObjectJson = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    PeerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Modified = table.Column<long>(type: "INTEGER", nullable: false),
                    Audience = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Removed = table.Column<bool>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false)
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
