"""planmaker: 专项整治文件生成工具。"""

__version__ = "0.1.0"
