/** Common surnames and given names (as in src/demo/chinese-names.ts), for seeded synthetic people. */
export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高', '欧阳', '司马'] as const;
export const MALE_GIVEN_NAMES = ['伟', '强', '磊', '军', '勇', '杰', '涛', '明', '超', '建华', '志强', '国庆', '海波', '俊杰', '浩然'] as const;
export const FEMALE_GIVEN_NAMES = ['芳', '娜', '敏', '静', '丽', '秀英', '桂英', '玉兰', '婷婷', '雪梅', '晓燕', '欣怡', '梓涵', '佳琪'] as const;

/**
 * Characters a clerk may type for another with the same pinyin: the pinyin input method offers
 * both, and a caller spelling a name over the phone does not say which.
 */
export const HOMOPHONES: Readonly<Record<string, string>> = {
  伟: '玮', 强: '蔷', 磊: '垒', 军: '君', 勇: '涌', 杰: '洁', 涛: '滔', 明: '铭', 超: '潮', 华: '桦', 志: '智', 国: '帼', 庆: '青',
  海: '凯', 波: '博', 俊: '骏', 浩: '皓', 然: '燃', 芳: '方', 娜: '那', 敏: '民', 静: '晶', 丽: '莉', 秀: '绣', 英: '瑛', 桂: '贵',
  玉: '钰', 兰: '岚', 婷: '亭', 雪: '学', 梅: '玫', 晓: '小', 燕: '艳', 欣: '新', 怡: '仪', 梓: '子', 涵: '含', 佳: '家', 琪: '棋',
};
