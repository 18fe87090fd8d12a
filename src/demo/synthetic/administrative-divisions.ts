/**
 * County-level divisions with their GB/T 2260 codes, postal codes, a few streets and the plate
 * prefix of their city: for seeded synthetic people, the simulators' data and the benchmarks.
 */
export interface Division {
  code: string;
  province: string;
  city: string;
  district: string;
  postalCode: string;
  areaCode: string;
  streets: readonly string[];
  /** Province character and city letter of the city's vehicle plates. */
  platePrefix: string;
}

export const DIVISIONS: readonly Division[] = [
  {
    code: '440305',
    province: '广东省',
    city: '深圳市',
    district: '南山区',
    postalCode: '518057',
    areaCode: '0755',
    streets: ['科技南十二路2号', '深南大道10000号', '南海大道3688号'],
    platePrefix: '粤B',
  },
  {
    code: '440106',
    province: '广东省',
    city: '广州市',
    district: '天河区',
    postalCode: '510620',
    areaCode: '020',
    streets: ['天河路208号', '珠江新城华夏路10号', '体育西路103号'],
    platePrefix: '粤A',
  },
  {
    code: '310115',
    province: '上海市',
    city: '上海市',
    district: '浦东新区',
    postalCode: '200120',
    areaCode: '021',
    streets: ['世纪大道100号', '张杨路500号', '陆家嘴环路1000号'],
    platePrefix: '沪A',
  },
  {
    code: '110105',
    province: '北京市',
    city: '北京市',
    district: '朝阳区',
    postalCode: '100020',
    areaCode: '010',
    streets: ['建国路88号', '东三环中路1号', '朝阳北路101号'],
    platePrefix: '京A',
  },
  {
    code: '330106',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    postalCode: '310013',
    areaCode: '0571',
    streets: ['文三路90号', '天目山路398号', '教工路18号'],
    platePrefix: '浙A',
  },
  {
    code: '510107',
    province: '四川省',
    city: '成都市',
    district: '武侯区',
    postalCode: '610041',
    areaCode: '028',
    streets: ['人民南路四段1号', '科华北路65号', '一环路南三段24号'],
    platePrefix: '川A',
  },
  {
    code: '430104',
    province: '湖南省',
    city: '长沙市',
    district: '岳麓区',
    postalCode: '410083',
    areaCode: '0731',
    streets: ['麓山南路932号', '桐梓坡路1号', '岳麓大道233号'],
    platePrefix: '湘A',
  },
  {
    code: '420106',
    province: '湖北省',
    city: '武汉市',
    district: '武昌区',
    postalCode: '430071',
    areaCode: '027',
    streets: ['中北路108号', '武珞路628号', '友谊大道88号'],
    platePrefix: '鄂A',
  },
];
