fn main() {
    // Every command the UI may call is listed here; tauri-build turns each into an
    // `allow-<name>` permission, and capabilities/default.json grants exactly these.
    let commands = &[
        "app_status",
        "accounts_list",
        "accounts_get",
        "accounts_create",
        "accounts_update",
        "accounts_delete",
        "contacts_list",
        "contacts_get",
        "contacts_create",
        "contacts_update",
        "contacts_delete",
        "contacts_likely_duplicates",
        "contacts_merge",
        "search",
        "duplicates_scan",
        "undo",
        "team_list",
        "team_create",
        "tags_all",
        "timeline",
        "fields_list",
        "fields_define",
        "fields_update",
        "fields_archive",
        "bulk_apply",
        "views_list",
        "views_save",
        "views_delete",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("failed to run tauri-build");
}
