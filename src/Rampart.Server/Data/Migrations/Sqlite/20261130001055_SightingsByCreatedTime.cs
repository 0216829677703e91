using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SightingsByCreatedTime : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IntelSightings_SightedRecordId_RecordId",
                table: "IntelSightings");

            migrationBuilder.CreateIndex(
                name: "IX_IntelSightings_SightedRecordId_CreatedAt_RecordId",
                table: "IntelSightings",
                columns: new[] { "SightedRecordId", "CreatedAt", "RecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IntelSightings_SightedRecordId_CreatedAt_RecordId",
                table: "IntelSightings");

            migrationBuilder.CreateIndex(
                name: "IX_IntelSightings_SightedRecordId_RecordId",
                table: "IntelSightings",
                columns: new[] { "SightedRecordId", "RecordId" });
        }
    }
}
