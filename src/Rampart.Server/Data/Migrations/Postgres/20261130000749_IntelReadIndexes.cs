using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
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
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TargetRef",
                table: "IntelObjects",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            // Relationships already stored: their ends from the current version's JSON.
            migrationBuilder.Sql("""
UPDATE "IntelObjects" AS o SET "SourceRef" = CASE WHEN length(j.s) <= 300 THEN j.s END, "TargetRef" = CASE WHEN length(j.t) <= 300 THEN j.t END
FROM (SELECT v."RecordId", v."Json"::jsonb ->> 'source_ref' AS s, v."Json"::jsonb ->> 'target_ref' AS t
      FROM "IntelObjectVersions" v JOIN "IntelObjects" x ON x."RecordId" = v."RecordId" AND x."Modified" = v."Modified"
      WHERE x."StixType" = 'relationship' AND v."Json" IS NOT NULL) AS j
WHERE o."RecordId" = j."RecordId";
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
