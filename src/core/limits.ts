/**
 * VS Code does not hand text documents over 50 MB to extensions (its
 * "large file" limit for extension hosts), so above this size Labelscope
 * reads the file itself, skips it in the start-up scan and writes fixes
 * to disk instead of through a WorkspaceEdit.
 */
export const VSCODE_TEXT_DOCUMENT_MAX_BYTES = 50 * 1024 * 1024;
