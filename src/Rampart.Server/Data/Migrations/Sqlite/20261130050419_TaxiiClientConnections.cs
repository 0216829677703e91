using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TaxiiClientConnections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TaxiiConnections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PublicId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ApiRoot = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    CollectionId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Authentication = table.Column<short>(type: "INTEGER", nullable: false),
                    ProtectedCredentials = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    Direction = table.Column<short>(type: "INTEGER", nullable: false),
                    PullTypes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    PullStartAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PullTlp = table.Column<int>(type: "INTEGER", nullable: false),
                    PullAudienceJson = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    PushTypes = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    PushLabels = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    PushTlpCeiling = table.Column<int>(type: "INTEGER", nullable: false),
                    PushBatchSize = table.Column<int>(type: "INTEGER", nullable: false),
                    IntervalSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NextRunAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Status = table.Column<short>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LastErrorAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PullCheckpoint = table.Column<long>(type: "INTEGER", nullable: true),
                    PullCheckpointText = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    PushCheckpointAddedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PushCheckpointRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    PushCheckpointModified = table.Column<long>(type: "INTEGER", nullable: true),
                    LastPulled = table.Column<int>(type: "INTEGER", nullable: false),
                    LastAdded = table.Column<int>(type: "INTEGER", nullable: false),
                    LastUpdated = table.Column<int>(type: "INTEGER", nullable: false),
                    LastUnchanged = table.Column<int>(type: "INTEGER", nullable: false),
                    LastRejected = table.Column<int>(type: "INTEGER", nullable: false),
                    LastPushed = table.Column<int>(type: "INTEGER", nullable: false),
                    LastPushFailed = table.Column<int>(type: "INTEGER", nullable: false),
                    LastPushPending = table.Column<int>(type: "INTEGER", nullable: false),
                    TotalPulled = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalPushed = table.Column<long>(type: "INTEGER", nullable: false),
                    Runs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TaxiiConnections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TaxiiConnections_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiConnections_Enabled_NextRunAt",
                table: "TaxiiConnections",
                columns: new[] { "Enabled", "NextRunAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiConnections_OrganisationId_Id",
                table: "TaxiiConnections",
                columns: new[] { "OrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_TaxiiConnections_PublicId",
                table: "TaxiiConnections",
                column: "PublicId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TaxiiConnections");
        }
    }
}
