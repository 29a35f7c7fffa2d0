/**
 * The catalog of the "Add AGENTS.md" chat tests: the payments team (its channel annotated as given),
 * Alice in it, Mallory outside it, and components owned by payments with no description (a finding,
 * so the team gets a digest).
 */
export function agentsMdPeople(channelAnnotation: string): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations: { ${channelAnnotation} }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { profile: { email: alice@example.com }, memberOf: [payments] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: mallory }
spec: { profile: { email: mallory@example.com }, memberOf: [] }
`;
}

export const ownedComponent = (name: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: ${name} }
spec: { type: service, lifecycle: production, owner: payments }
`;
