using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditCheckpointsAndDenials : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditCheckpoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    HeadHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Time = table.Column<long>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditCheckpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditDenialCounters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    WindowEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    Further = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Credential = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ClientIp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditDenialCounters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditJobState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseHolder = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LastRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastFullRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastIntact = table.Column<bool>(type: "INTEGER", nullable: true),
                    LastWasFull = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastCheckedEntries = table.Column<long>(type: "INTEGER", nullable: false),
                    LastVerifiedSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstBrokenSequence = table.Column<long>(type: "INTEGER", nullable: true),
                    Problem = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditJobState", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "AuditJobState",
                columns: new[] { "Id", "FirstBrokenSequence", "LastCheckedEntries", "LastFullRunAt", "LastIntact", "LastRunAt", "LastVerifiedSequence", "LastWasFull", "LeaseHolder", "LeaseUntil", "Problem" },
                values: new object[] { 1, null, 0L, null, null, null, 0L, false, null, null, null });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_UserId_Sequence",
                table: "AuditEntries",
                columns: new[] { "UserId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditCheckpoints_Sequence",
                table: "AuditCheckpoints",
                column: "Sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditDenialCounters_Actor_Status_WindowStart",
                table: "AuditDenialCounters",
                columns: new[] { "Actor", "Status", "WindowStart" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditDenialCounters_WindowEnd",
                table: "AuditDenialCounters",
                column: "WindowEnd");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditCheckpoints");

            migrationBuilder.DropTable(
                name: "AuditDenialCounters");

            migrationBuilder.DropTable(
                name: "AuditJobState");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_UserId_Sequence",
                table: "AuditEntries");
        }
    }
}
