using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AccessGrants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Pre-release: notes of the first envelope are not carried over (docs/adr/0009). Emptying
            // the tables first lets the column changes below apply to any database of the earlier migrations.
            migrationBuilder.Sql("DELETE FROM \"ShareRecipients\";");
            migrationBuilder.Sql("DELETE FROM \"Notes\";");

            migrationBuilder.DropTable(
                name: "ShareRecipients");

            migrationBuilder.DropPrimaryKey(
                name: "PK_Notes",
                table: "Notes");

            migrationBuilder.DropIndex(
                name: "IX_Notes_Audience_CommunityId",
                table: "Notes");

            migrationBuilder.DropIndex(
                name: "IX_Notes_CreatedAt",
                table: "Notes");

            migrationBuilder.DropIndex(
                name: "IX_Notes_OwnerOrganisationId",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "Audience",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "CommunityId",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "CreatorOrganisationId",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "OwnerOrganisationId",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "Published",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "Tlp",
                table: "Notes");

            migrationBuilder.AddColumn<long>(
                name: "RecordId",
                table: "Notes",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddPrimaryKey(
                name: "PK_Notes",
                table: "Notes",
                column: "RecordId");

            migrationBuilder.CreateTable(
                name: "NoteTitleTerms",
                columns: table => new
                {
                    Term = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RecordId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NoteTitleTerms", x => new { x.Term, x.RecordId });
                    table.ForeignKey(
                        name: "FK_NoteTitleTerms_Notes_RecordId",
                        column: x => x.RecordId,
                        principalTable: "Notes",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SharedRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RecordType = table.Column<short>(type: "smallint", nullable: false),
                    OwnerOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatorOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Tlp = table.Column<int>(type: "integer", nullable: false),
                    Published = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SharedRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SharedRecords_Organisations_CreatorOrganisationId",
                        column: x => x.CreatorOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SharedRecords_Organisations_OwnerOrganisationId",
                        column: x => x.OwnerOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AccessGrants",
                columns: table => new
                {
                    GranteeId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordType = table.Column<short>(type: "smallint", nullable: false),
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<short>(type: "smallint", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: true),
                    SubjectOrganisationId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessGrants", x => new { x.GranteeId, x.RecordType, x.RecordId });
                    table.ForeignKey(
                        name: "FK_AccessGrants_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Notes_Id",
                table: "Notes",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AccessGrants_RecordId",
                table: "AccessGrants",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_NoteTitleTerms_RecordId",
                table: "NoteTitleTerms",
                column: "RecordId");

            migrationBuilder.CreateIndex(
                name: "IX_SharedRecords_CreatorOrganisationId",
                table: "SharedRecords",
                column: "CreatorOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_SharedRecords_OwnerOrganisationId_RecordType_Id",
                table: "SharedRecords",
                columns: new[] { "OwnerOrganisationId", "RecordType", "Id" });

            migrationBuilder.AddForeignKey(
                name: "FK_Notes_SharedRecords_RecordId",
                table: "Notes",
                column: "RecordId",
                principalTable: "SharedRecords",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Notes_SharedRecords_RecordId",
                table: "Notes");

            migrationBuilder.DropTable(
                name: "AccessGrants");

            migrationBuilder.DropTable(
                name: "NoteTitleTerms");

            migrationBuilder.DropTable(
                name: "SharedRecords");

            migrationBuilder.DropPrimaryKey(
                name: "PK_Notes",
                table: "Notes");

            migrationBuilder.DropIndex(
                name: "IX_Notes_Id",
                table: "Notes");

            migrationBuilder.DropColumn(
                name: "RecordId",
                table: "Notes");

            migrationBuilder.AddColumn<int>(
                name: "Audience",
                table: "Notes",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "CommunityId",
                table: "Notes",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "CreatorOrganisationId",
                table: "Notes",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<Guid>(
                name: "OwnerOrganisationId",
                table: "Notes",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<bool>(
                name: "Published",
                table: "Notes",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "Tlp",
                table: "Notes",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_Notes",
                table: "Notes",
                column: "Id");

            migrationBuilder.CreateTable(
                name: "ShareRecipients",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareRecipients", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ShareRecipients_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Notes_Audience_CommunityId",
                table: "Notes",
                columns: new[] { "Audience", "CommunityId" });

            migrationBuilder.CreateIndex(
                name: "IX_Notes_CreatedAt",
                table: "Notes",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Notes_OwnerOrganisationId",
                table: "Notes",
                column: "OwnerOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_ShareRecipients_OrganisationId",
                table: "ShareRecipients",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_ShareRecipients_RecordId_OrganisationId",
                table: "ShareRecipients",
                columns: new[] { "RecordId", "OrganisationId" });
        }
    }
}
