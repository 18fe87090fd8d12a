/** Common surnames and given names, for seeded simulator data. */
export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高', '欧阳', '司马'] as const;
export const MALE_GIVEN_NAMES = ['伟', '强', '磊', '军', '勇', '杰', '涛', '明', '超', '建华', '志强', '国庆', '海波', '俊杰', '浩然'] as const;
export const FEMALE_GIVEN_NAMES = ['芳', '娜', '敏', '静', '丽', '秀英', '桂英', '玉兰', '婷婷', '雪梅', '晓燕', '欣怡', '梓涵', '佳琪'] as const;
