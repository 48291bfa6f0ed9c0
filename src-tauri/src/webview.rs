//! The web view's memory settings (Linux, WebKitGTK), measured with `make bench-app` on the
//! 100,000-contact file (docs/benchmarks.md): Rapport's pages are lists and forms, which need
//! neither GPU layers nor a browser's caches.
//!
//! - **No accelerated compositing** (`HardwareAccelerationPolicy::Never`): WebKit otherwise
//!   keeps a GL context and backing stores for composited layers in the web process; without
//!   them the web process's PSS went from 229 MB to 138 MB with the contacts list open.
//! - **Document-viewer cache model, no back/forward page cache**: a browser keeps decoded
//!   resources and whole previous pages for quick back navigation; the app has one page whose
//!   routes are rendered by the UI, so those caches would only hold memory.
//!
//! `RAPPORT_WEBKIT_COMPOSITING=1` keeps WebKit's default policy, for a machine where drawing
//! without it turns out slow.

/// Applies the settings to the window's web view.
pub fn lean(window: &tauri::WebviewWindow) {
    if std::env::var_os("RAPPORT_WEBKIT_COMPOSITING").is_some_and(|v| v == "1") {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        let _ = window.with_webview(|webview| {
            use webkit2gtk::{
                CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
            };
            let view = webview.inner();
            if let Some(context) = view.context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
                settings.set_enable_page_cache(false);
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
