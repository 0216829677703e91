using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IntelReadIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SourceRef",
                table: "IntelObjects",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TargetRef",
                table: "IntelObjects",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            // Relationships already stored: their ends from the current version's JSON.
            migrationBuilder.Sql("""
UPDATE "IntelObjects" SET
  "SourceRef" = (SELECT CASE WHEN length(json_extract(v."Json", '$.source_ref')) <= 300 THEN json_extract(v."Json", '$.source_ref') END
                 FROM "IntelObjectVersions" v WHERE v."RecordId" = "IntelObjects"."RecordId" AND v."Modified" = "IntelObjects"."Modified" AND v."Json" IS NOT NULL),
  "TargetRef" = (SELECT CASE WHEN length(json_extract(v."Json", '$.target_ref')) <= 300 THEN json_extract(v."Json", '$.target_ref') END
                 FROM "IntelObjectVersions" v WHERE v."RecordId" = "IntelObjects"."RecordId" AND v."Modified" = "IntelObjects"."Modified" AND v."Json" IS NOT NULL)
WHERE "StixType" = 'relationship';
""");

            migrationBuilder.CreateIndex(
                name: "IX_SharedRecords_RecordType_Tlp_Id",
                table: "SharedRecords",
                columns: new[] { "RecordType", "Tlp", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_AddedAt_RecordId",
                table: "IntelObjects",
                columns: new[] { "AddedAt", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_Created_RecordId",
                table: "IntelObjects",
                columns: new[] { "Created", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_OwnerOrganisationId_RecordId",
                table: "IntelObjects",
                columns: new[] { "OwnerOrganisationId", "RecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_SourceRef_RecordId",
                table: "IntelObjects",
                columns: new[] { "SourceRef", "RecordId" },
                filter: "\"SourceRef\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_TargetRef_RecordId",
                table: "IntelObjects",
                columns: new[] { "TargetRef", "RecordId" },
                filter: "\"TargetRef\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_IntelObjects_WarningListed_RecordId",
                table: "IntelObjects",
                columns: new[] { "WarningListed", "RecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SharedRecords_RecordType_Tlp_Id",
                table: "SharedRecords");

            migrationBuilder.DropIndex(
                name: "IX_IntelObjects_AddedAt_RecordId",
                table: "IntelObjects");

            migrationBuilder.DropIndex(
                name: "IX_IntelObjects_Created_RecordId",
                table: "IntelObjects");

            migrationBuilder.DropIndex(
                name: "IX_IntelObjects_OwnerOrganisationId_RecordId",
                table: "IntelObjects");

            migrationBuilder.DropIndex(
                name: "IX_IntelObjects_SourceRef_RecordId",
                table: "IntelObjects");

            migrationBuilder.DropIndex(
                name: "IX_IntelObjects_TargetRef_RecordId",
                table: "IntelObjects");

            migrationBuilder.DropIndex(
                name: "IX_IntelObjects_WarningListed_RecordId",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "SourceRef",
                table: "IntelObjects");

            migrationBuilder.DropColumn(
                name: "TargetRef",
                table: "IntelObjects");
        }
    }
}
