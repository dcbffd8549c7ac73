/**
 * User settings that give every e2e run a quiet, predictable workbench: no trust prompt, welcome
 * page, tips, AI panels, auto-closing characters (the tests type references), preview tabs or
 * Local History (which would keep copies of test files).
 */
export const QUIET_WORKBENCH_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.minimap.enabled': false,
  'workbench.editor.enablePreview': false,
  'update.showReleaseNotes': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.localHistory.enabled': false,
};
