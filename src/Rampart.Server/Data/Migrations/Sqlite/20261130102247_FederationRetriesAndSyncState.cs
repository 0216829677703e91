using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FederationRetriesAndSyncState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastReceivedAt",
                table: "FederationPeerSyncs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Received",
                table: "FederationPeerSyncs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "ReceivedRefused",
                table: "FederationPeerSyncs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RemovalsAcknowledged",
                table: "FederationPeerSyncs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "FederationInboxRefusals",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    StixId = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Modified = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Times = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FederationInboxRefusals", x => new { x.PeerId, x.StixId, x.Modified });
                    table.ForeignKey(
                        name: "FK_FederationInboxRefusals_FederationPeers_PeerId",
                        column: x => x.PeerId,
                        principalTable: "FederationPeers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FederationRefused",
                columns: table => new
                {
                    PeerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    Modified = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    RefusedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RetryAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FederationRefused", x => new { x.PeerId, x.RecordId });
                    table.ForeignKey(
                        name: "FK_FederationRefused_FederationPeers_PeerId",
                        column: x => x.PeerId,
                        principalTable: "FederationPeers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FederationRefused_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FederationRefused_PeerId_RetryAt",
                table: "FederationRefused",
                columns: new[] { "PeerId", "RetryAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FederationRefused_RecordId",
                table: "FederationRefused",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FederationInboxRefusals");

            migrationBuilder.DropTable(
                name: "FederationRefused");

            migrationBuilder.DropColumn(
                name: "LastReceivedAt",
                table: "FederationPeerSyncs");

            migrationBuilder.DropColumn(
                name: "Received",
                table: "FederationPeerSyncs");

            migrationBuilder.DropColumn(
                name: "ReceivedRefused",
                table: "FederationPeerSyncs");

            migrationBuilder.DropColumn(
                name: "RemovalsAcknowledged",
                table: "FederationPeerSyncs");
        }
    }
}
