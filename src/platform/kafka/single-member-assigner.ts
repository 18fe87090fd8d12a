import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const NAME = 'CrmHubSingleMember';

/**
 * Gives every partition of the group's topics to one member and none to the others: active and
 * standby, for processors whose state spans keys (identity resolution matches records across
 * partitions, so two members each holding half of them would build two different pictures of who
 * is who). The member that joined first keeps the partitions when another joins, so adding a
 * standby does not move the work; when the active member leaves, the next oldest takes over.
 */
export function singleMemberAssigner(joinedAt: number = Date.now()): PartitionAssigner {
  return ({ cluster }) => ({
    name: NAME,
    version: 1,
    protocol: ({ topics }) => ({
      name: NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(String(joinedAt)) }),
    }),
    async assign({ members, topics }) {
      const joined = (member: (typeof members)[number]): number =>
        Number(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData.toString() ?? Number.MAX_SAFE_INTEGER);
      const ordered = [...members].sort((a, b) => joined(a) - joined(b) || a.memberId.localeCompare(b.memberId));
      const everything: Record<string, number[]> = {};
      for (const topic of topics) everything[topic] = cluster.findTopicPartitionMetadata(topic).map((partition) => partition.partitionId);
      return ordered.map((member, index) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: index === 0 ? everything : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
