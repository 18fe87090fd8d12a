import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

export interface GroupMember {
  memberId: string;
  /** Partitions of `topic` the member holds in the group's current generation. */
  partitions: number[];
}

export interface GroupMembers {
  state: string;
  members: GroupMember[];
}

/**
 * Who in a consumer group holds which partitions of `topic`, as the broker's group coordinator
 * describes it: the ground truth for "both processes were consuming" and "the survivor took over".
 */
export async function consumerGroupMembers(brokers: string[], groupId: string, topic: string): Promise<GroupMembers> {
  const admin = new Kafka({ clientId: 'crm-hub-test-group-reader', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0];
    if (!group) return { state: 'Dead', members: [] };
    return {
      state: group.state,
      members: group.members.map((member) => {
        const assignment = member.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(member.memberAssignment) : null;
        return { memberId: member.memberId, partitions: [...(assignment?.assignment[topic] ?? [])].sort((a, b) => a - b) };
      }),
    };
  } finally {
    await admin.disconnect();
  }
}
