/** Command ids shared by the client (which registers them) and the server (whose code actions invoke them). */
export const CommandIds = {
  createSecret: 'workflowSecrets.createSecret',
  editSecret: 'workflowSecrets.editSecret',
  deleteSecret: 'workflowSecrets.deleteSecret',
  listSecrets: 'workflowSecrets.listSecrets',
  copyReference: 'workflowSecrets.copyReference',
  revealSecretValue: 'workflowSecrets.revealSecretValue',
  switchEnvironment: 'workflowSecrets.switchEnvironment',
  resolveWorkflow: 'workflowSecrets.resolveWorkflow',
  exportSanitized: 'workflowSecrets.exportSanitized',
  refresh: 'workflowSecrets.refresh',
  restartServer: 'workflowSecrets.restartServer',
  showOutput: 'workflowSecrets.showOutput',
  enterMasterKey: 'workflowSecrets.enterMasterKey',
  backUpMasterKey: 'workflowSecrets.backUpMasterKey',
  rotateMasterKey: 'workflowSecrets.rotateMasterKey',
  setProviderCredentials: 'workflowSecrets.setProviderCredentials',
} as const;

/** Arguments of the createSecret command when a quick fix invokes it. */
export interface CreateSecretArgs {
  name: string;
  type: string;
}
