using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UserListPaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "NormalizedEmail",
                table: "AspNetUsers",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true,
                collation: "C",
                oldClrType: typeof(string),
                oldType: "character varying(256)",
                oldMaxLength: 256,
                oldNullable: true);

            migrationBuilder.AddColumn<string>(
                name: "NormalizedDisplayName",
                table: "AspNetUsers",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "",
                collation: "C");

            // Existing users: the display name upper-cased, as User.Normalize does (PostgreSQL upper() follows the database locale).
            migrationBuilder.Sql("""UPDATE "AspNetUsers" SET "NormalizedDisplayName" = upper("DisplayName");""");

            migrationBuilder.CreateIndex(
                name: "IX_Users_NormalizedDisplayName_Id",
                table: "AspNetUsers",
                columns: new[] { "NormalizedDisplayName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Users_NormalizedEmail_Id",
                table: "AspNetUsers",
                columns: new[] { "NormalizedEmail", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Users_OrganisationId_NormalizedEmail_Id",
                table: "AspNetUsers",
                columns: new[] { "OrganisationId", "NormalizedEmail", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Users_NormalizedDisplayName_Id",
                table: "AspNetUsers");

            migrationBuilder.DropIndex(
                name: "IX_Users_NormalizedEmail_Id",
                table: "AspNetUsers");

            migrationBuilder.DropIndex(
                name: "IX_Users_OrganisationId_NormalizedEmail_Id",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "NormalizedDisplayName",
                table: "AspNetUsers");

            migrationBuilder.AlterColumn<string>(
                name: "NormalizedEmail",
                table: "AspNetUsers",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(256)",
                oldMaxLength: 256,
                oldNullable: true,
                oldCollation: "C");
        }
    }
}
