/**
 * Names of the customer view's consumer groups and internal topics. One deployment uses the
 * defaults; a second, independent view on the same cluster (a staging copy, a test) takes another
 * prefix so that it neither shares state nor steals partitions.
 */
export interface CustomerViewNames {
  identityGroup: string;
  analyticsGroup: string;
  /** Compacted, JSON: the resolver's member records. */
  identityStateTopic: string;
  /** Data stewards' commands (unmerge) to the resolver. */
  identityCommandTopic: string;
}

export function customerViewNames(prefix = 'crm-hub'): CustomerViewNames {
  return {
    identityGroup: `${prefix}.customer-view.identity`,
    analyticsGroup: `${prefix}.customer-view.analytics`,
    identityStateTopic: `${prefix}.identity-members`,
    identityCommandTopic: `${prefix}.identity-commands`,
  };
}
