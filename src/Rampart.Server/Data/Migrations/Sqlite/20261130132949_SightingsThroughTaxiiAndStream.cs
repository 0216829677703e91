using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SightingsThroughTaxiiAndStream : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DateAdded",
                table: "IntelSightings",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Sightings reported before this migration: added (for TAXII) when they were created.
            migrationBuilder.Sql("UPDATE \"IntelSightings\" SET \"DateAdded\" = \"CreatedAt\";");

            migrationBuilder.AddColumn<long>(
                name: "SightingRecordId",
                table: "IntelChanges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_IntelSightings_DateAdded_RecordId",
                table: "IntelSightings",
                columns: new[] { "DateAdded", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelSightings_StixId",
                table: "IntelSightings",
                column: "StixId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IntelSightings_DateAdded_RecordId",
                table: "IntelSightings");

            migrationBuilder.DropIndex(
                name: "IX_IntelSightings_StixId",
                table: "IntelSightings");

            migrationBuilder.DropColumn(
                name: "DateAdded",
                table: "IntelSightings");

            migrationBuilder.DropColumn(
                name: "SightingRecordId",
                table: "IntelChanges");
        }
    }
}
